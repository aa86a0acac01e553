import * as fs from "node:fs";
import { open, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import git from "isomorphic-git";
import { FerryError } from "../../core/errors.js";
import { throwIfAborted, wrapGitError } from "./git-error.js";
import type { GitRemote, RefUpdate } from "./remote.js";

/**
 * A GitRemote for a repository on this machine (a path or a `file://` URL): read directly,
 * no cache, and ref updates take git's own `<ref>.lock` so they are safe against a real
 * `git push` into the same repo.
 */
export async function createLocalRemote(path: string): Promise<GitRemote> {
  const gitdir = await findGitdir(resolve(path));
  const display = resolve(path);

  const head = async (branch: string, signal?: AbortSignal): Promise<string | undefined> => {
    throwIfAborted(signal);
    try {
      return await git.resolveRef({ fs, gitdir, ref: `refs/heads/${branch}` });
    } catch (e) {
      if ((e as { code?: unknown }).code === "NotFoundError") return undefined;
      throw wrapGitError(e, `cannot read ${branch} in ${display}`, display);
    }
  };

  const withRefLock = async <T>(branch: string, fn: () => Promise<T>): Promise<T> => {
    const lock = join(gitdir, "refs", "heads", `${branch}.lock`);
    await fs.promises.mkdir(join(lock, ".."), { recursive: true });
    let handle;
    try {
      handle = await open(lock, "wx");
    } catch {
      throw new FerryError("Conflict", `${branch} in ${display} is locked by another writer`, {
        data: { branch, remote: display },
      });
    }
    try {
      return await fn();
    } finally {
      await handle.close();
      await rm(lock, { force: true });
    }
  };

  const update = async (request: RefUpdate): Promise<"ok" | "rejected"> => {
    throwIfAborted(request.signal);
    try {
      return await withRefLock(request.branch, async () => {
        if (request.force !== true && (await head(request.branch)) !== request.expected) return "rejected";
        await git.writeRef({
          fs,
          gitdir,
          ref: `refs/heads/${request.branch}`,
          value: request.commit,
          force: true,
        });
        return "ok";
      });
    } catch (e) {
      if (e instanceof FerryError && e.code === "Conflict") return "rejected";
      throw e;
    }
  };

  const remove = async (branch: string): Promise<void> => {
    if ((await head(branch)) === undefined) return;
    await withRefLock(branch, () => git.deleteRef({ fs, gitdir, ref: `refs/heads/${branch}` }));
  };

  return { display, gitdir, head, fetch: head, update, remove };
}

/** A work tree's `.git`, or the folder itself when it is a bare repo. */
async function findGitdir(path: string): Promise<string> {
  for (const candidate of [join(path, ".git"), path]) {
    try {
      await stat(join(candidate, "HEAD"));
      await stat(join(candidate, "objects"));
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new FerryError("NotFound", `${path} is not a Git repository`, { data: { path } });
}
