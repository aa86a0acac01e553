/**
 * Ferry's few error classes. Each has a stable `code` that callers and tests match on,
 * structured `data`, and the original `cause`. Exceptions are for failed I/O and broken
 * invariants; validation problems are returned as results (see `result.ts`).
 */
export type FerryErrorCode =
  | "Usage"
  | "NotFound"
  | "Conflict"
  | "Invalid"
  | "IO"
  | "Remote"
  | "Integrity"
  | "Timeout"
  | "Aborted"
  | "Internal";

export class FerryError extends Error {
  readonly code: FerryErrorCode;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(
    code: FerryErrorCode,
    message: string,
    options: { data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FerryError";
    this.code = code;
    this.data = options.data ?? {};
  }
}

/** True when `err` is a FerryError, optionally of the given code. */
export function isFerryError(err: unknown, code?: FerryErrorCode): err is FerryError {
  return err instanceof FerryError && (code === undefined || err.code === code);
}

/** A message for any thrown value, never a stack trace, credentials redacted. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return redact(err.message);
  return redact(String(err));
}

const SECRET_PATTERNS: readonly RegExp[] = [
  // user:password@ in URLs
  /(?<=\/\/)[^/\s:@]+:[^/\s@]+(?=@)/g,
  // bearer and basic tokens
  /(?<=\b(?:Bearer|Basic|token)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  // GitHub tokens
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  // AWS access key ids
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  // key=value pairs whose key names a secret
  /(?<=\b(?:password|secret|token|secretAccessKey|accessKeyId|apiKey|x-amz-security-token)["']?\s*[:=]\s*["']?)[^"'\s,&}]+/gi,
];

/** Replaces anything that looks like a credential with `[REDACTED]`. */
export function redact(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, "[REDACTED]");
  return out;
}
