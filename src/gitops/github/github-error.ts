import { FerryError, errorMessage } from "../../core/errors.js";

/**
 * Wraps an octokit error where it enters Ferry: code Remote, the HTTP status in `data`.
 * octokit already redacts the Authorization header in its request error; `redact` covers
 * anything a server echoes into the message.
 */
export function wrapGitHubError(e: unknown, action: string): FerryError {
  if (e instanceof FerryError) return e;
  const status = typeof e === "object" && e !== null ? (e as { status?: unknown }).status : undefined;
  const data: Record<string, unknown> = { action };
  if (typeof status === "number") data["status"] = status;
  const prefix =
    typeof status === "number" ? `GitHub ${action} failed (HTTP ${status})` : `GitHub ${action} failed`;
  return new FerryError("Remote", `${prefix}: ${errorMessage(e)}`, { data, cause: e });
}
