import * as fs from "node:fs";
import { gitTree } from "../../manifests/tree-git.js";
import type { TreeSource } from "../../manifests/types.js";
import { FerryError } from "../../core/errors.js";
import type { GitRemote } from "./remote.js";

/** What one poll saw. `commit` is the branch tip (present whenever the branch exists). */
export interface PollResult {
  readonly changed: boolean;
  readonly commit?: string;
}

/** The desired-state source of the GitOps loop: cheap polls, and the tree at a commit. */
export interface GitSource {
  /** The repo for logs and status, credentials removed. */
  readonly display: string;
  readonly branch: string;
  /**
   * One ref advertisement when nothing changed; when the tip moved, fetches only what
   * changed. The first poll always reports `changed`.
   */
  poll(signal?: AbortSignal): Promise<PollResult>;
  /** The desired-state tree at `commit` (a commit a poll returned), read without a checkout. */
  readTree(commit: string): TreeSource;
}

export interface GitSourceOptions {
  readonly remote: GitRemote;
  /** The branch holding the desired state, e.g. `main`. */
  readonly branch: string;
  /** The tip seen by a previous run, so a restart does not count as a change. */
  readonly lastSeen?: string;
}

/** A GitSource over any GitRemote (local path, `file://`, http(s)). */
export function createGitSource(options: GitSourceOptions): GitSource {
  const { remote, branch } = options;
  let lastSeen = options.lastSeen;
  return {
    display: remote.display,
    branch,
    async poll(signal) {
      const tip = await remote.head(branch, signal);
      if (tip === undefined) {
        throw new FerryError("NotFound", `branch ${branch} does not exist in ${remote.display}`, {
          data: { branch, remote: remote.display },
        });
      }
      if (tip === lastSeen) return { changed: false, commit: tip };
      const fetched = await remote.fetch(branch, signal);
      // The branch may have moved again between the advertisement and the fetch: report what we hold.
      const commit = fetched ?? tip;
      lastSeen = commit;
      return { changed: true, commit };
    },
    readTree: (commit) => gitTree({ fs, gitdir: remote.gitdir, ref: commit }),
  };
}
