/**
 * Structured logs with pino. Fields that can hold credentials are redacted by path, and every
 * string logged goes through `redact`, so a token in a URL or an error message never reaches
 * the log.
 */
import { pino, type DestinationStream, type Level } from "pino";
import { redact } from "../core/errors.js";
import type { Logger } from "../core/logger.js";

/** Paths pino censors wherever they appear in a log line's object. */
export const REDACTED_PATHS: readonly string[] = [
  "token",
  "*.token",
  "password",
  "*.password",
  "secret",
  "*.secret",
  "key",
  "*.key",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "credentials",
  "*.credentials",
];

/** A pino logger (optionally to `destination`, e.g. a test's capture). */
export function createLogger(
  options: { readonly level?: Level; readonly destination?: DestinationStream } = {},
): Logger {
  const logger = pino(
    {
      level: options.level ?? "info",
      base: { name: "ferry" },
      redact: { paths: [...REDACTED_PATHS], censor: "[REDACTED]" },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((a) => (typeof a === "string" ? redact(a) : a)) as typeof args;
          method.apply(this, cleaned);
        },
      },
      formatters: {
        log: (object) => redactStrings(object) as Record<string, unknown>,
      },
    },
    options.destination,
  );
  return logger;
}

function redactStrings(value: unknown): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map(redactStrings);
  if (value !== null && typeof value === "object" && !(value instanceof Error)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v)]));
  }
  return value;
}
