import * as fs from "node:fs";
import git from "isomorphic-git";
import type { TreeEntry as GitTreeEntry } from "isomorphic-git";
import { FerryError } from "../../core/errors.js";

/** File changes by path (`/`-separated, relative to the root): content, or null to delete. */
export type FileChanges = ReadonlyMap<string, string | Uint8Array | null>;

export interface TreeEditResult {
  /** The new root tree. */
  readonly tree: string;
  /** Paths whose content actually changed (added, modified or deleted), in the order given. */
  readonly changed: readonly { readonly path: string; readonly deleted: boolean }[];
}

/**
 * Writes `changes` over the tree `base` (undefined: the empty tree) straight into the object
 * database — no work tree, no index — so the controller can commit reports while it holds only
 * a cache. Folders left empty by deletions disappear, as they do in Git.
 */
export async function editTree(options: {
  readonly gitdir: string;
  readonly base: string | undefined;
  readonly changes: FileChanges;
}): Promise<TreeEditResult> {
  const { gitdir } = options;
  const changed: { path: string; deleted: boolean }[] = [];
  const nested = new Map<string, string | Uint8Array | null>();
  for (const [path, content] of options.changes) nested.set(normalise(path), content);

  const edit = async (
    treeOid: string | undefined,
    changes: Map<string, string | Uint8Array | null>,
    prefix: string,
  ): Promise<string | undefined> => {
    const entries = new Map<string, GitTreeEntry>();
    if (treeOid !== undefined) {
      for (const entry of (await git.readTree({ fs, gitdir, oid: treeOid })).tree)
        entries.set(entry.path, entry);
    }
    const byFolder = new Map<string, Map<string, string | Uint8Array | null>>();
    for (const [path, content] of changes) {
      const slash = path.indexOf("/");
      if (slash >= 0) {
        const folder = path.slice(0, slash);
        const inner = byFolder.get(folder) ?? new Map<string, string | Uint8Array | null>();
        inner.set(path.slice(slash + 1), content);
        byFolder.set(folder, inner);
        continue;
      }
      const existing = entries.get(path);
      if (content === null) {
        if (existing !== undefined && existing.type === "blob") {
          entries.delete(path);
          changed.push({ path: prefix + path, deleted: true });
        }
        continue;
      }
      const blob = typeof content === "string" ? new TextEncoder().encode(content) : content;
      const oid = await git.writeBlob({ fs, gitdir, blob });
      if (existing?.oid === oid) continue;
      if (existing !== undefined && existing.type !== "blob") {
        throw new FerryError("Conflict", `cannot write file ${prefix + path}: a folder of that name exists`);
      }
      entries.set(path, { mode: "100644", path, oid, type: "blob" });
      changed.push({ path: prefix + path, deleted: false });
    }
    for (const [folder, inner] of byFolder) {
      const existing = entries.get(folder);
      if (existing !== undefined && existing.type !== "tree") {
        throw new FerryError("Conflict", `cannot write into ${prefix + folder}/: a file of that name exists`);
      }
      const oid = await edit(existing?.oid, inner, `${prefix}${folder}/`);
      if (oid === undefined) entries.delete(folder);
      else entries.set(folder, { mode: "040000", path: folder, oid, type: "tree" });
    }
    if (entries.size === 0) return undefined;
    return git.writeTree({ fs, gitdir, tree: [...entries.values()] });
  };

  const tree = (await edit(options.base, nested, "")) ?? (await git.writeTree({ fs, gitdir, tree: [] }));
  return { tree, changed };
}

function normalise(path: string): string {
  const clean = path.replace(/^\.?\/+/, "");
  if (clean === "" || clean.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new FerryError("Invalid", `invalid file path in a commit: ${JSON.stringify(path)}`);
  }
  return clean;
}
