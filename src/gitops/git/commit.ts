import * as fs from "node:fs";
import git from "isomorphic-git";
import type { Clock } from "../../core/clock.js";

/** Who Ferry's commits are by; configurable so reports show the team's bot identity. */
export interface CommitAuthor {
  readonly name: string;
  readonly email: string;
}

export const DEFAULT_AUTHOR: CommitAuthor = { name: "Ferry", email: "ferry@localhost" };

/** The tree of `commit`. */
export async function treeOf(gitdir: string, commit: string): Promise<string> {
  return (await git.readCommit({ fs, gitdir, oid: commit })).commit.tree;
}

/** The first parent of `commit`, if any. */
export async function parentOf(gitdir: string, commit: string): Promise<string | undefined> {
  return (await git.readCommit({ fs, gitdir, oid: commit })).commit.parent[0];
}

/** True when `commit` is in the local object database. */
export async function hasCommit(gitdir: string, commit: string): Promise<boolean> {
  try {
    await git.readCommit({ fs, gitdir, oid: commit });
    return true;
  } catch {
    return false;
  }
}

/** Writes a commit object (no ref moves) dated by `clock`. */
export async function writeCommit(options: {
  readonly gitdir: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly author: CommitAuthor;
  readonly clock: Clock;
}): Promise<string> {
  const who = {
    name: options.author.name,
    email: options.author.email,
    timestamp: Math.floor(options.clock.now().getTime() / 1000),
    timezoneOffset: 0,
  };
  return git.writeCommit({
    fs,
    gitdir: options.gitdir,
    commit: {
      message: options.message.endsWith("\n") ? options.message : `${options.message}\n`,
      tree: options.tree,
      parent: [...options.parents],
      author: who,
      committer: who,
    },
  });
}
