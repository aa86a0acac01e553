import { FerryError, errorMessage } from "../../core/errors.js";

/**
 * Wraps an isomorphic-git error where it enters Ferry: code Remote, the HTTP status kept in
 * `data`, the message redacted (isomorphic-git echoes server responses).
 */
export function wrapGitError(e: unknown, message: string, remote: string): FerryError {
  if (e instanceof FerryError) return e;
  const data: Record<string, unknown> = { remote };
  const inner = typeof e === "object" && e !== null ? (e as { code?: unknown; data?: unknown }) : {};
  if (typeof inner.code === "string") data["gitError"] = inner.code;
  const statusCode = (inner.data as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof statusCode === "number") data["status"] = statusCode;
  return new FerryError("Remote", `${message}: ${errorMessage(e)}`, { data, cause: e });
}

/** Throws Ferry's Aborted error (not a DOMException) once `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new FerryError("Aborted", "aborted");
}
