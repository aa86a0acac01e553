import { addDays, addMonths, monthlyDate, weekdayOf, type CivilDate } from "./civil.js";
import { cronNext, cronPrevious } from "./cron.js";
import type { ClockTime } from "./kitchen.js";
import { instantOf, wallTimeAt } from "./timezone.js";
import type { CompiledPolicy, PolicyType } from "./types.js";

/**
 * When each section of a policy falls due, as pure functions of the policy and a reference
 * instant. Calendar sections (daily, weekly, monthly) are read in the policy's time zone,
 * with daylight-saving gaps and repeats resolved by `instantOf`; cron goes to cron-parser.
 *
 * An interval has no calendar: its runs are `anchor + k × intervalMinutes` for k ≥ 1, where
 * the anchor is the last run's start. Before any run the anchor is the Unix epoch, so an
 * hourly interval lines up on the hour (UTC) when nothing else fixes it.
 */
export interface OccurrenceOptions {
  /** The start of the last run of this policy type (used by interval only). */
  readonly lastRun?: Date;
}

const MINUTE_MS = 60_000;

/** The first time `type` falls due strictly after `after`; undefined when the policy lacks the section. */
export function nextOccurrence(
  policy: CompiledPolicy,
  type: PolicyType,
  after: Date,
  options: OccurrenceOptions = {},
): Date | undefined {
  if (type === "interval") {
    if (policy.interval === undefined) return undefined;
    const step = policy.interval.minutes * MINUTE_MS;
    const anchor = options.lastRun?.getTime() ?? 0;
    const k = Math.max(1, Math.floor((after.getTime() - anchor) / step) + 1);
    return new Date(anchor + k * step);
  }
  if (type === "cron") {
    return policy.cron === undefined ? undefined : cronNext(policy.cron.expression, policy.timeZone, after);
  }
  const candidates = calendarCandidates(policy, type, after).filter((c) => c.getTime() > after.getTime());
  return candidates[0];
}

/** The last time `type` fell due at or before `atOrBefore`; undefined when it never did or the policy lacks the section. */
export function previousOccurrence(
  policy: CompiledPolicy,
  type: PolicyType,
  atOrBefore: Date,
  options: OccurrenceOptions = {},
): Date | undefined {
  if (type === "interval") {
    if (policy.interval === undefined) return undefined;
    const step = policy.interval.minutes * MINUTE_MS;
    const anchor = options.lastRun?.getTime() ?? 0;
    const k = Math.floor((atOrBefore.getTime() - anchor) / step);
    return k >= 1 ? new Date(anchor + k * step) : undefined;
  }
  if (type === "cron") {
    return policy.cron === undefined
      ? undefined
      : cronPrevious(policy.cron.expression, policy.timeZone, atOrBefore);
  }
  const candidates = calendarCandidates(policy, type, atOrBefore).filter(
    (c) => c.getTime() <= atOrBefore.getTime(),
  );
  return candidates[candidates.length - 1];
}

/**
 * Every occurrence of a calendar section within about two periods either side of `reference`,
 * sorted. Generous on purpose: a DST shift or a month roll-over never pushes the wanted one out.
 */
function calendarCandidates(
  policy: CompiledPolicy,
  type: "daily" | "weekly" | "monthly",
  reference: Date,
): Date[] {
  const zone = policy.timeZone;
  const today: CivilDate = wallTimeAt(reference, zone);
  const at = (date: CivilDate, time: ClockTime): Date =>
    instantOf({ ...date, hour: time.hour, minute: time.minute, second: 0 }, zone);
  const out: Date[] = [];
  if (type === "daily" && policy.daily !== undefined) {
    for (let d = -2; d <= 2; d++) out.push(at(addDays(today, d), policy.daily.time));
  } else if (type === "weekly" && policy.weekly !== undefined) {
    for (let d = -8; d <= 8; d++) {
      const date = addDays(today, d);
      if (weekdayOf(date) === policy.weekly.weekday) out.push(at(date, policy.weekly.time));
    }
  } else if (type === "monthly" && policy.monthly !== undefined) {
    for (let m = -2; m <= 2; m++) {
      const month = addMonths(today, m);
      out.push(at(monthlyDate(month.year, month.month, policy.monthly.date), policy.monthly.time));
    }
  }
  return out.sort((a, b) => a.getTime() - b.getTime());
}
