import { CronExpressionParser } from "cron-parser";

/**
 * Cron expressions through cron-parser. Ferry accepts the five-field form (minute hour
 * day-of-month month day-of-week) and the `@hourly`…`@yearly` shorthands; cron-parser's
 * optional seconds field is refused so that a typo cannot schedule a run every second.
 */

const SHORTHANDS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly"]);

// Parsing with a time zone costs ~300 µs (luxon); many manifests share a few expressions.
// A bounded memo of a pure function keeps validation of large repos fast.
const verdicts = new Map<string, string | undefined>();

/** An error message for an expression Ferry will not run, or undefined when it is fine. */
export function cronProblem(expression: string, timeZone: string): string | undefined {
  const key = `${timeZone}\u0000${expression}`;
  if (verdicts.has(key)) return verdicts.get(key);
  const verdict = judge(expression, timeZone);
  if (verdicts.size >= 1000) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}

function judge(expression: string, timeZone: string): string | undefined {
  const trimmed = expression.trim();
  if (!trimmed.startsWith("@")) {
    const fields = trimmed.split(/\s+/).filter((f) => f !== "");
    if (fields.length !== 5) {
      return `"${expression}" has ${fields.length} field(s); a cron expression has five: minute hour day-of-month month day-of-week`;
    }
  } else if (!SHORTHANDS.has(trimmed)) {
    return `"${expression}" is not one of ${[...SHORTHANDS].join(", ")}`;
  }
  try {
    // Parsing alone accepts expressions that never match (Feb 30); asking for a run does not.
    CronExpressionParser.parse(trimmed, { tz: timeZone, currentDate: new Date(0) }).next();
    return undefined;
  } catch (e) {
    return `"${expression}" is not a valid cron expression: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The first run strictly after `after`. */
export function cronNext(expression: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(expression.trim(), { tz: timeZone, currentDate: after }).next().toDate();
}

/** The last run at or before `atOrBefore`. */
export function cronPrevious(expression: string, timeZone: string, atOrBefore: Date): Date | undefined {
  // cron-parser's prev() is strictly before its current date; a millisecond later makes it
  // inclusive, since cron runs fall on whole seconds.
  const expr = CronExpressionParser.parse(expression.trim(), {
    tz: timeZone,
    currentDate: new Date(atOrBefore.getTime() + 1),
  });
  return expr.hasPrev() ? expr.prev().toDate() : undefined;
}
