import * as fs from "node:fs";
import { deflateSync } from "node:zlib";
import git from "isomorphic-git";
import type { TreeEntry as GitTreeEntry } from "isomorphic-git";
import pLimit from "p-limit";
import { FerryError } from "../../core/errors.js";

/** File changes by path (`/`-separated, relative to the root): content, or null to delete. */
export type FileChanges = ReadonlyMap<string, string | Uint8Array | null>;

export interface TreeEditResult {
  /** The new root tree. */
  readonly tree: string;
  /** Paths whose content actually changed (added, modified or deleted), in the order given. */
  readonly changed: readonly { readonly path: string; readonly deleted: boolean }[];
}

type Content = string | Uint8Array | null;
// Writing a loose object is a deflate and a few file operations; overlapping them hides the latency.
const WRITE_CONCURRENCY = 16;

/**
 * Writes `changes` over the tree `base` (undefined: the empty tree) straight into the object
 * database — no work tree, no index — so the controller can commit reports while it holds only
 * a cache. Unchanged files cost a hash in memory; folders left empty by deletions disappear,
 * as they do in Git.
 */
export async function editTree(options: {
  readonly gitdir: string;
  readonly base: string | undefined;
  readonly changes: FileChanges;
}): Promise<TreeEditResult> {
  const { gitdir } = options;
  const limit = pLimit(WRITE_CONCURRENCY);
  const order = new Map<string, number>();
  const changed: { path: string; deleted: boolean }[] = [];
  const root = new Map<string, Content>();
  for (const [path, content] of options.changes) {
    const clean = normalise(path);
    order.set(clean, order.size);
    root.set(clean, content);
  }

  const edit = async (
    treeOid: string | undefined,
    changes: Map<string, Content>,
    prefix: string,
  ): Promise<string | undefined> => {
    const entries = new Map<string, GitTreeEntry>();
    if (treeOid !== undefined) {
      for (const entry of (await git.readTree({ fs, gitdir, oid: treeOid })).tree)
        entries.set(entry.path, entry);
    }
    const byFolder = new Map<string, Map<string, Content>>();
    const files: [string, Content][] = [];
    for (const [path, content] of changes) {
      const slash = path.indexOf("/");
      if (slash < 0) {
        files.push([path, content]);
        continue;
      }
      const folder = path.slice(0, slash);
      const inner = byFolder.get(folder) ?? new Map<string, Content>();
      inner.set(path.slice(slash + 1), content);
      byFolder.set(folder, inner);
    }
    await Promise.all([
      ...files.map(([name, content]) => limit(() => editFile(entries, name, content, prefix))),
      ...[...byFolder].map(async ([folder, inner]) => {
        const existing = entries.get(folder);
        if (existing !== undefined && existing.type !== "tree") {
          throw new FerryError(
            "Conflict",
            `cannot write into ${prefix + folder}/: a file of that name exists`,
          );
        }
        const oid = await edit(existing?.oid, inner, `${prefix}${folder}/`);
        if (oid === undefined) entries.delete(folder);
        else entries.set(folder, { mode: "040000", path: folder, oid, type: "tree" });
      }),
    ]);
    if (entries.size === 0) return undefined;
    return git.writeTree({ fs, gitdir, tree: [...entries.values()] });
  };

  const editFile = async (
    entries: Map<string, GitTreeEntry>,
    name: string,
    content: Content,
    prefix: string,
  ): Promise<void> => {
    const existing = entries.get(name);
    if (existing !== undefined && existing.type !== "blob") {
      throw new FerryError("Conflict", `cannot write file ${prefix + name}: a folder of that name exists`);
    }
    if (content === null) {
      if (existing === undefined) return;
      entries.delete(name);
      changed.push({ path: prefix + name, deleted: true });
      return;
    }
    const blob = typeof content === "string" ? new TextEncoder().encode(content) : content;
    // Hashing in memory first: an unchanged file costs no deflate and no write. New ones are
    // deflated with node's zlib (isomorphic-git's stream-based deflate is slower per small object).
    const { oid, object } = await git.hashBlob({ object: blob });
    if (existing?.oid === oid) return;
    await git.writeObject({ fs, gitdir, type: "blob", object: deflateSync(object), format: "deflated", oid });
    entries.set(name, { mode: "100644", path: name, oid, type: "blob" });
    changed.push({ path: prefix + name, deleted: false });
  };

  const tree = (await edit(options.base, root, "")) ?? (await git.writeTree({ fs, gitdir, tree: [] }));
  changed.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
  return { tree, changed };
}

function normalise(path: string): string {
  const clean = path.replace(/^\.?\/+/, "");
  if (clean === "" || clean.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new FerryError("Invalid", `invalid file path in a commit: ${JSON.stringify(path)}`);
  }
  return clean;
}
