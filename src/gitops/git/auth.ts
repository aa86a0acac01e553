import { FerryError } from "../../core/errors.js";

/** How Ferry authenticates to an http(s) Git remote: a token read from the environment at start-up. */
export interface GitCredentials {
  /** The token itself; never logged, never part of a URL or an error message. */
  readonly token: string;
  /** Basic-auth user sent with the token; GitHub accepts `x-access-token`. */
  readonly username?: string;
}

/** Reads the token named by `tokenEnv`; an unset variable is a usage error naming the variable. */
export function credentialsFromEnv(
  tokenEnv: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  username?: string,
): GitCredentials | undefined {
  if (tokenEnv === undefined) return undefined;
  const token = env[tokenEnv];
  if (token === undefined || token === "") {
    throw new FerryError("Usage", `environment variable ${tokenEnv} (the Git token) is not set`, {
      data: { tokenEnv },
    });
  }
  return username === undefined ? { token } : { token, username };
}

/**
 * The Authorization header for every request. Sent up front rather than through
 * isomorphic-git's onAuth challenge so that a poll stays one request, not a 401 and a retry.
 */
export function authHeaders(credentials: GitCredentials | undefined): Record<string, string> {
  if (credentials === undefined) return {};
  const user = credentials.username ?? "x-access-token";
  const basic = Buffer.from(`${user}:${credentials.token}`, "utf8").toString("base64");
  return { Authorization: `Basic ${basic}` };
}

/** A URL fit for logs and errors: user info removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//");
  }
}
