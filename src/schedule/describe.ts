import { formatKitchen } from "./kitchen.js";
import { wallTimeAt } from "./timezone.js";
import type { CompiledPolicy } from "./types.js";
import { WEEKDAY_NAMES } from "./weekday.js";

/** A policy in words: `every 60 minutes; daily at 10:14PM; weekly on Thursday at 10:13PM (Europe/Berlin)`. */
export function describePolicy(policy: CompiledPolicy): string {
  const parts: string[] = [];
  if (policy.interval) {
    parts.push(`every ${policy.interval.minutes} minute${policy.interval.minutes === 1 ? "" : "s"}`);
  }
  if (policy.daily) parts.push(`daily at ${formatKitchen(policy.daily.time)}`);
  if (policy.weekly) {
    parts.push(`weekly on ${WEEKDAY_NAMES[policy.weekly.weekday]} at ${formatKitchen(policy.weekly.time)}`);
  }
  if (policy.monthly)
    parts.push(`monthly on day ${policy.monthly.date} at ${formatKitchen(policy.monthly.time)}`);
  if (policy.cron) parts.push(`cron "${policy.cron.expression}"`);
  const calendar = policy.daily || policy.weekly || policy.monthly || policy.cron;
  return parts.join("; ") + (calendar && policy.timeZone !== "UTC" ? ` (${policy.timeZone})` : "");
}

/** An instant for people: `2024-03-10 07:00 UTC`, plus the wall time in `timeZone` when it is not UTC. */
export function formatInstant(instant: Date, timeZone = "UTC"): string {
  const utc = `${instant.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  if (timeZone === "UTC") return utc;
  const w = wallTimeAt(instant, timeZone);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${utc} (${w.year}-${pad(w.month)}-${pad(w.day)} ${formatKitchen(w)} ${timeZone})`;
}
