import { formatKitchen } from "./kitchen.js";
import { wallTimeAt } from "./timezone.js";
import { ORDERED_POLICY_TYPES, type CompiledPolicy, type PolicyType } from "./types.js";
import { WEEKDAY_NAMES } from "./weekday.js";

/** Each section of a policy in words, by policy type: `{ daily: "daily at 10:14PM", … }`. */
export function describeSections(policy: CompiledPolicy): Partial<Record<PolicyType, string>> {
  const out: Partial<Record<PolicyType, string>> = {};
  if (policy.interval) {
    out.interval = `every ${policy.interval.minutes} minute${policy.interval.minutes === 1 ? "" : "s"}`;
  }
  if (policy.daily) out.daily = `daily at ${formatKitchen(policy.daily.time)}`;
  if (policy.weekly) {
    out.weekly = `weekly on ${WEEKDAY_NAMES[policy.weekly.weekday]} at ${formatKitchen(policy.weekly.time)}`;
  }
  if (policy.monthly) {
    out.monthly = `monthly on day ${policy.monthly.date} at ${formatKitchen(policy.monthly.time)}`;
  }
  if (policy.cron) out.cron = `cron "${policy.cron.expression}"`;
  return out;
}

/** True when a policy has a section read in its time zone (any but interval). */
export function hasCalendar(policy: CompiledPolicy): boolean {
  return Boolean(policy.daily || policy.weekly || policy.monthly || policy.cron);
}

/** A policy in words: `every 60 minutes; daily at 10:14PM; weekly on Thursday at 10:13PM (Europe/Berlin)`. */
export function describePolicy(policy: CompiledPolicy): string {
  const sections = describeSections(policy);
  const parts = ORDERED_POLICY_TYPES.flatMap((type) => sections[type] ?? []);
  return parts.join("; ") + (hasCalendar(policy) && policy.timeZone !== "UTC" ? ` (${policy.timeZone})` : "");
}

/**
 * What changed between two versions of a policy, section by section, e.g.
 * `daily at 10:14PM → daily at 11:30PM; adds weekly on Sunday at 4:00AM; time zone UTC → Europe/Berlin`.
 * Empty when they schedule the same runs.
 */
export function describePolicyChange(before: CompiledPolicy, after: CompiledPolicy): string {
  const was = describeSections(before);
  const is = describeSections(after);
  const parts: string[] = [];
  for (const type of ORDERED_POLICY_TYPES) {
    const a = was[type];
    const b = is[type];
    if (a === b) continue;
    if (a === undefined) parts.push(`adds ${b}`);
    else if (b === undefined) parts.push(`drops ${a}`);
    else parts.push(`${a} → ${b}`);
  }
  if (before.timeZone !== after.timeZone) parts.push(`time zone ${before.timeZone} → ${after.timeZone}`);
  return parts.join("; ");
}

/** An instant for people: `2024-03-10 07:00 UTC`, plus the wall time in `timeZone` when it is not UTC. */
export function formatInstant(instant: Date, timeZone = "UTC"): string {
  const utc = `${instant.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  if (timeZone === "UTC") return utc;
  const w = wallTimeAt(instant, timeZone);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${utc} (${w.year}-${pad(w.month)}-${pad(w.day)} ${formatKitchen(w)} ${timeZone})`;
}
