import * as fs from "node:fs";
import git from "isomorphic-git";
import type { TreeEntry, TreeSource } from "../../manifests/types.js";
import { wrapGitError } from "./git-error.js";

export interface CommitTreeOptions {
  readonly gitdir: string;
  readonly commit: string;
  readonly description: string;
}

/**
 * A TreeSource over a commit in a gitdir, read without a checkout.
 * TODO(H1): replace with `gitTree` from src/manifests once it is committed.
 */
export function commitTree(options: CommitTreeOptions): TreeSource {
  const { gitdir, commit, description } = options;
  return {
    description,
    async list() {
      try {
        const entries: TreeEntry[] = [];
        await git.walk({
          fs,
          gitdir,
          trees: [git.TREE({ ref: commit })],
          map: async (path, [entry]) => {
            if (entry === null || entry === undefined || path === ".") return true;
            if ((await entry.type()) === "blob") entries.push({ path });
            return true;
          },
        });
        return entries;
      } catch (e) {
        throw wrapGitError(e, `cannot list ${description}`, description);
      }
    },
    async read(path) {
      try {
        const { blob } = await git.readBlob({ fs, gitdir, oid: commit, filepath: path });
        return blob;
      } catch (e) {
        throw wrapGitError(e, `cannot read ${path} in ${description}`, description);
      }
    },
  };
}
