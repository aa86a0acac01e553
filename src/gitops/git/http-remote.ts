import * as fs from "node:fs";
import git from "isomorphic-git";
import pLimit from "p-limit";
import nodeHttp from "isomorphic-git/http/node";
import type { HttpClient } from "isomorphic-git";
import { FerryError } from "../../core/errors.js";
import { authHeaders, redactUrl } from "./auth.js";
import type { GitCredentials } from "./auth.js";
import { throwIfAborted, wrapGitError } from "./git-error.js";
import type { GitRemote, RefUpdate } from "./remote.js";

export interface HttpRemoteOptions {
  /** The remote URL without credentials. */
  readonly url: string;
  /** A folder Ferry owns: objects are cached in `<cacheDir>/.git`, nothing is checked out. */
  readonly cacheDir: string;
  readonly credentials?: GitCredentials;
  /** Depth of a branch's first fetch (default 1): the loop reads tips and builds on them, it never walks history. */
  readonly depth?: number;
  /** The HTTP client (default isomorphic-git's node client); wrap it to count or trace requests. */
  readonly http?: HttpClient;
}

/** A GitRemote over http(s) with a local object cache; polls with one ref advertisement. */
export async function createHttpRemote(options: HttpRemoteOptions): Promise<GitRemote> {
  const url = options.url;
  const display = redactUrl(url);
  const dir = options.cacheDir;
  const gitdir = `${dir}/.git`;
  const headers = authHeaders(options.credentials);
  const baseHttp = options.http ?? nodeHttp;
  const depth = options.depth ?? 1;
  await git.init({ fs, dir, defaultBranch: "ferry-cache" });
  // isomorphic-git's fetch maps remote branches through a refspec; the URL kept has no credentials.
  await git.setConfig({ fs, gitdir, path: "remote.origin.url", value: url });
  await git.setConfig({
    fs,
    gitdir,
    path: "remote.origin.fetch",
    value: "+refs/heads/*:refs/remotes/origin/*",
  });

  const fail = (e: unknown, message: string, signal: AbortSignal | undefined): FerryError => {
    throwIfAborted(signal);
    return wrapGitError(e, message, display);
  };
  const httpFor = (signal: AbortSignal | undefined): HttpClient =>
    signal === undefined ? baseHttp : { request: (request) => baseHttp.request({ ...request, signal }) };
  // A 401 must fail at once, not loop through isomorphic-git's credential callbacks.
  const onAuthFailure = (): { cancel: true } => ({ cancel: true });

  const head = async (branch: string, signal?: AbortSignal): Promise<string | undefined> => {
    throwIfAborted(signal);
    try {
      // Protocol v1: the ref advertisement is the whole answer, one GET of info/refs.
      const info = await git.getRemoteInfo2({
        http: httpFor(signal),
        url,
        headers,
        onAuthFailure,
        protocolVersion: 1,
      });
      return info.refs?.find((r) => r.ref === `refs/heads/${branch}`)?.oid;
    } catch (e) {
      throw fail(e, `cannot list the refs of ${display}`, signal);
    }
  };

  const fetchBranch = async (branch: string, signal?: AbortSignal): Promise<string | undefined> => {
    throwIfAborted(signal);
    // The first fetch of a branch is shallow. Later ones send the cached tip as a "have" and
    // ask for no depth: a `deepen` request makes the server pack the whole tree again, while
    // a plain one stops at the have and sends only the changed objects.
    const known = await git.resolveRef({ fs, gitdir, ref: remoteRef(branch) }).catch(() => undefined);
    try {
      const result = await git.fetch({
        fs,
        http: httpFor(signal),
        gitdir,
        remote: "origin",
        headers,
        onAuthFailure,
        // The cache's name of the branch: isomorphic-git sends its tip as the "have".
        ref: remoteRef(branch),
        remoteRef: branch,
        singleBranch: true,
        tags: false,
        ...(known === undefined ? { depth } : {}),
      });
      return result.fetchHead ?? undefined;
    } catch (e) {
      if (isMissingRemoteBranch(e)) return undefined;
      throw fail(e, `cannot fetch ${branch} from ${display}`, signal);
    }
  };

  const update = async (request: RefUpdate): Promise<"ok" | "rejected"> => {
    const localRef = `refs/ferry/push/${request.branch}`;
    await git.writeRef({ fs, gitdir, ref: localRef, value: request.commit, force: true });
    try {
      await git.push({
        fs,
        http: httpFor(request.signal),
        gitdir,
        url,
        headers,
        onAuthFailure,
        ref: localRef,
        remoteRef: `refs/heads/${request.branch}`,
        force: request.force ?? false,
        // The compare-and-swap: the advertised tip must be the one we built on.
        onPrePush: ({ remoteRef: remote }) =>
          request.force === true || remote.oid === (request.expected ?? ZERO),
      });
      await git.writeRef({ fs, gitdir, ref: remoteRef(request.branch), value: request.commit, force: true });
      return "ok";
    } catch (e) {
      // A refusal is a lost race only if someone else moved the branch; otherwise (a hook, a
      // protected branch) retrying cannot help, and the server's reason must reach the user.
      if (
        isRejection(e) &&
        (errorCode(e) === "UserCanceledError" ||
          (await head(request.branch, request.signal)) !== request.expected)
      ) {
        return "rejected";
      }
      throw fail(e, `cannot push ${request.branch} to ${display}`, request.signal);
    }
  };

  const remove = async (branch: string, signal?: AbortSignal): Promise<void> => {
    if ((await head(branch, signal)) === undefined) return;
    const localRef = `refs/ferry/push/${branch}`;
    await git.writeRef({ fs, gitdir, ref: localRef, value: ZERO, force: true }).catch(() => undefined);
    try {
      await git.push({
        fs,
        http: httpFor(signal),
        gitdir,
        url,
        headers,
        onAuthFailure,
        ref: localRef,
        remoteRef: `refs/heads/${branch}`,
        delete: true,
      });
    } catch (e) {
      throw fail(e, `cannot delete ${branch} on ${display}`, signal);
    }
  };

  // Fetches and pushes write the cache's refs and shallow file: one at a time per cache.
  const serial = pLimit(1);
  return {
    display,
    gitdir,
    head,
    fetch: (branch, signal) => serial(() => fetchBranch(branch, signal)),
    update: (request) => serial(() => update(request)),
    remove: (branch, signal) => serial(() => remove(branch, signal)),
  };
}

const ZERO = "0000000000000000000000000000000000000000";

const remoteRef = (branch: string): string => `refs/remotes/origin/${branch}`;

function errorCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String(e.code) : undefined;
}

function isRejection(e: unknown): boolean {
  const code = errorCode(e);
  return code === "PushRejectedError" || code === "GitPushError" || code === "UserCanceledError";
}

function isMissingRemoteBranch(e: unknown): boolean {
  const code = errorCode(e);
  return (
    code === "NotFoundError" ||
    code === "MissingParameterError" ||
    (e instanceof FerryError && e.code === "NotFound")
  );
}
