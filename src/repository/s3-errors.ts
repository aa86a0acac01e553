import { FerryError, redact } from "../core/errors.js";

const NOT_FOUND_NAMES = new Set(["NoSuchKey", "NotFound"]);

/** The HTTP status the SDK recorded on `err`, if it got as far as a response. */
export function s3StatusOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null || !("$metadata" in err)) return undefined;
  const metadata = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof metadata?.httpStatusCode === "number" ? metadata.httpStatusCode : undefined;
}

/**
 * Turns an SDK error into a FerryError where it enters Ferry: NotFound for a missing
 * object, Remote for everything else, the HTTP status and S3 error code kept in `data`.
 * The message is built from the S3 error name and message only (never the request), and
 * redacted in case a server echoes a credential back.
 */
export function wrapS3Error(
  err: unknown,
  context: { operation: string; key: string; where: string },
): FerryError {
  if (err instanceof FerryError) return err;
  const status = s3StatusOf(err);
  const name = err instanceof Error ? err.name : "Error";
  const detail = err instanceof Error ? err.message : String(err);
  const errno = typeof err === "object" && err !== null && "code" in err ? String(err.code) : undefined;
  // A missing bucket is also a 404, but it is a configuration problem, not a missing object.
  const notFound = name !== "NoSuchBucket" && (NOT_FOUND_NAMES.has(name) || status === 404);
  const what = `${context.operation} ${context.key || "/"} in ${context.where}`;
  // A HEAD response has no body, so the SDK can only call its errors Unknown/UnknownError.
  const informative = (text: string): boolean => text !== "" && text !== "Unknown" && text !== "UnknownError";
  const reason = [
    status === undefined ? undefined : `HTTP ${status}`,
    informative(name) ? name : undefined,
    detail === name || !informative(detail) ? undefined : detail,
  ]
    .filter((part) => part !== undefined && part !== "")
    .join(": ");
  const data: Record<string, unknown> = { key: context.key, operation: context.operation, s3Code: name };
  if (status !== undefined) data["status"] = status;
  if (errno !== undefined) data["errno"] = errno;
  return new FerryError(
    notFound ? "NotFound" : "Remote",
    notFound ? `object ${context.key} not found in ${context.where}` : redact(`S3 ${what} failed: ${reason}`),
    { data, cause: err },
  );
}
