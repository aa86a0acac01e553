import { redact } from "../core/errors.js";

/**
 * Ferry's manifests hold no secrets (credentials are named by environment variable), but a
 * plan is posted to pull requests, so a value that looks like one is hidden anyway: any field
 * whose name suggests a secret, unless it sits under an `…Env` field (those hold variable
 * names), and anything `redact` recognises inside a string (URL passwords, tokens, keys).
 */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|private[-_]?key|credential|bearer/i;

export const REDACTED = "[REDACTED]";

/** The value to show for `path`, with secret-looking content replaced. */
export function redactField(path: readonly (string | number)[], value: unknown): unknown {
  const namesAnEnvVar = path.some((p) => typeof p === "string" && /Env$/.test(p));
  const last = [...path].reverse().find((p): p is string => typeof p === "string");
  if (!namesAnEnvVar && last !== undefined && SECRET_KEY.test(last) && value !== undefined) return REDACTED;
  return redactDeep(value);
}

function redactDeep(value: unknown): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) && !/Env$/.test(k) && typeof v !== "object" ? REDACTED : redactDeep(v),
      ]),
    );
  }
  return value;
}
