/**
 * The Git port the GitOps loop is built on: a remote branch store plus a local object
 * database (`gitdir`) that isomorphic-git reads and writes without a working tree.
 * For an http(s) remote the gitdir is a cache; for a local path it is the repo itself.
 */
export interface GitRemote {
  /** The remote, credentials removed: safe to log and to put in status. */
  readonly display: string;
  /** The local object database (a `.git` folder or a bare repo). */
  readonly gitdir: string;
  /** The sha of `branch` on the remote, or undefined when it does not exist. One request over http. */
  head(branch: string, signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Makes `branch`'s tip (and what is needed to read and build on it) present in `gitdir`.
   * Returns the tip, or undefined when the branch does not exist.
   */
  fetch(branch: string, signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Moves `branch` on the remote to `commit` (already in `gitdir`). Without `force` the
   * remote must still be at `expected` (undefined: the branch must not exist);
   * returns "rejected" when someone else moved it first.
   */
  update(request: RefUpdate): Promise<"ok" | "rejected">;
  /** Deletes `branch` on the remote; a missing branch is not an error. */
  remove(branch: string, signal?: AbortSignal): Promise<void>;
}

export interface RefUpdate {
  readonly branch: string;
  readonly commit: string;
  readonly expected: string | undefined;
  readonly force?: boolean;
  readonly signal?: AbortSignal;
}
