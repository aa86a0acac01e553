import { fileURLToPath } from "node:url";
import type { HttpClient } from "isomorphic-git";
import { FerryError } from "../../core/errors.js";
import { credentialsFromEnv } from "./auth.js";
import type { GitCredentials } from "./auth.js";
import { createHttpRemote } from "./http-remote.js";
import { createLocalRemote } from "./local-remote.js";
import type { GitRemote } from "./remote.js";

export interface OpenRemoteOptions {
  /** A local path, a `file://` URL, or an http(s) URL. */
  readonly repo: string;
  /** Where an http(s) remote's objects are cached (required for http(s)). */
  readonly cacheDir?: string;
  /** Name of the environment variable holding the token for http(s), e.g. `FERRY_GIT_TOKEN`. */
  readonly tokenEnv?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly username?: string;
  readonly depth?: number;
  readonly http?: HttpClient;
}

/**
 * Builds the GitRemote for `repo`. Credentials in an http(s) URL are moved out of it into a
 * header so that the URL Ferry keeps, logs and reports never carries them.
 */
export async function openGitRemote(options: OpenRemoteOptions): Promise<GitRemote> {
  const repo = options.repo;
  if (repo.startsWith("file://")) return createLocalRemote(fileURLToPath(repo));
  if (!/^https?:\/\//i.test(repo)) return createLocalRemote(repo);
  if (options.cacheDir === undefined) {
    throw new FerryError("Usage", "an http(s) Git remote needs a cache directory");
  }
  const parsed = new URL(repo);
  let credentials: GitCredentials | undefined = credentialsFromEnv(
    options.tokenEnv,
    options.env ?? process.env,
    options.username,
  );
  if (parsed.password !== "" && credentials === undefined) {
    credentials = {
      token: decodeURIComponent(parsed.password),
      username: decodeURIComponent(parsed.username),
    };
  }
  parsed.username = "";
  parsed.password = "";
  return createHttpRemote({
    url: parsed.toString(),
    cacheDir: options.cacheDir,
    ...(credentials === undefined ? {} : { credentials }),
    ...(options.depth === undefined ? {} : { depth: options.depth }),
    ...(options.http === undefined ? {} : { http: options.http }),
  });
}
