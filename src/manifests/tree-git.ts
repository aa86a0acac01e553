import git, { type FsClient } from "isomorphic-git";
import { FerryError } from "../core/errors.js";
import type { TreeEntry, TreeSource } from "./types.js";

export interface GitTreeOptions {
  readonly fs: FsClient;
  /** The working tree; `gitdir` defaults to `<dir>/.git`. */
  readonly dir?: string;
  /** The git directory, for bare repositories. */
  readonly gitdir?: string;
  /** A branch, tag, `HEAD`, or a full or abbreviated commit id. */
  readonly ref: string;
}

const SYMLINK_MODE = "120000";

/**
 * A TreeSource over a commit's tree, read with isomorphic-git without a checkout, so a
 * controller or a PR check can load any revision without touching a working tree.
 * Symbolic links and submodules in the tree are skipped.
 */
export function gitTree(options: GitTreeOptions): TreeSource {
  const { fs, ref } = options;
  const location = {
    ...(options.dir === undefined ? {} : { dir: options.dir }),
    ...(options.gitdir === undefined ? {} : { gitdir: options.gitdir }),
  };
  // isomorphic-git's cache object holds parsed packfiles between calls of one tree.
  const cache = {};
  const blobs = new Map<string, string>();
  let commit: Promise<string> | undefined;
  const resolveCommit = (): Promise<string> => (commit ??= resolve(fs, location, ref));

  return {
    description: `${options.dir ?? options.gitdir ?? "."}@${ref}`,
    async list(under?: readonly string[]): Promise<readonly TreeEntry[]> {
      const oid = await resolveCommit();
      const entries: TreeEntry[] = [];
      const walk = async (treeOid: string, prefix: string): Promise<void> => {
        const { tree } = await git.readTree({ fs, ...location, oid: treeOid, cache });
        for (const entry of tree) {
          const path = prefix === "" ? entry.path : `${prefix}/${entry.path}`;
          if (entry.type === "tree") {
            if (prefix === "" && under !== undefined && !under.includes(entry.path)) continue;
            await walk(entry.oid, path);
          } else if (entry.type === "blob" && entry.mode !== SYMLINK_MODE) {
            if (prefix === "" && under !== undefined) continue; // top-level files are never manifests
            blobs.set(path, entry.oid);
            entries.push({ path });
          }
        }
      };
      await walk(oid, "");
      return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async read(path: string): Promise<Uint8Array> {
      const oid = blobs.get(path);
      try {
        const result =
          oid === undefined
            ? await git.readBlob({ fs, ...location, oid: await resolveCommit(), filepath: path, cache })
            : await git.readBlob({ fs, ...location, oid, cache });
        return result.blob;
      } catch (e) {
        throw new FerryError("IO", `cannot read ${path} at ${ref}`, { cause: e, data: { path, ref } });
      }
    },
  };
}

async function resolve(
  fs: FsClient,
  location: { dir?: string; gitdir?: string },
  ref: string,
): Promise<string> {
  try {
    return await git.resolveRef({ fs, ...location, ref });
  } catch (first) {
    if (/^[0-9a-f]{4,40}$/i.test(ref)) {
      try {
        return await git.expandOid({ fs, ...location, oid: ref.toLowerCase() });
      } catch {
        // fall through to the not-found error below
      }
    }
    throw new FerryError("NotFound", `unknown revision ${JSON.stringify(ref)}`, {
      cause: first,
      data: { ref },
    });
  }
}
