import { wallMs, type WallTime } from "./civil.js";

/**
 * Conversions between instants and wall-clock times in an IANA time zone, on the platform's
 * Intl (ICU) time-zone data, so Ferry needs no time-zone library of its own.
 */

export const DEFAULT_TIME_ZONE = "UTC";

// Intl.DateTimeFormat is costly to build and immutable once built, so one per zone is kept.
// This is a memo of pure values, not shared state: results never depend on call order.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// Building a DateTimeFormat costs ~100 µs; validating thousands of manifests names a few zones.
const canonicalNames = new Map<string, string | undefined>();

/** The canonical name of an IANA time zone (`utc` → `UTC`), or undefined when unknown. */
export function canonicalTimeZone(name: string): string | undefined {
  if (canonicalNames.has(name)) return canonicalNames.get(name);
  let canonical: string | undefined;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    canonical = undefined;
  }
  if (canonicalNames.size >= 1000) canonicalNames.clear(); // bounded: names come from user input
  canonicalNames.set(name, canonical);
  return canonical;
}

/** The wall-clock reading of `instant` in `timeZone` (to the second). */
export function wallTimeAt(instant: Date | number, timeZone: string): WallTime {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (New York in winter: −5 h). */
export function offsetAt(instant: number, timeZone: string): number {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return wallMs(wallTimeAt(wholeSecond, timeZone)) - wholeSecond;
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall-clock time names in `timeZone`.
 *
 * Daylight-saving transitions make this a relation, not a function, so we pick like cron:
 * - a time that occurs twice (fall back) resolves to its first occurrence, so a schedule
 *   fires once;
 * - a time that does not exist (spring forward, e.g. 2:30AM in New York on 2024-03-10)
 *   resolves to the first instant after the gap (3:00AM EDT), so the run is late, not lost.
 */
export function instantOf(wall: WallTime, timeZone: string): Date {
  const target = wallMs(wall);
  const offsets = new Set([
    offsetAt(target - DAY_MS, timeZone),
    offsetAt(target, timeZone),
    offsetAt(target + DAY_MS, timeZone),
  ]);
  const matches = [...offsets]
    .map((offset) => target - offset)
    .filter((instant) => wallMs(wallTimeAt(instant, timeZone)) === target);
  if (matches.length > 0) return new Date(Math.min(...matches));

  // In a gap: search the instants between the two readings for the first one whose wall
  // clock has passed the requested time; that is the transition itself.
  let lo = target - Math.max(...offsets);
  let hi = target - Math.min(...offsets);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallMs(wallTimeAt(mid, timeZone)) > target) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}
