import type { ProblemCode } from "../manifests/types.js";
import { cronProblem } from "./cron.js";
import { parseKitchen, type ClockTime } from "./kitchen.js";
import { canonicalTimeZone, DEFAULT_TIME_ZONE } from "./timezone.js";
import type { CompiledPolicy, PolicyProblem } from "./types.js";
import { parseWeekday } from "./weekday.js";

/**
 * Checks a SchedulePolicy's `policy` object against Stork's rules and Ferry's extensions
 * (cron, timezone), and turns it into a `CompiledPolicy`. Every problem is reported in one
 * pass; nothing throws, whatever the input. The JSON Schema rejects unknown fields; this
 * checks what a schema cannot (time formats, weekday names, cron, time zones).
 */
export function compilePolicy(policy: unknown): {
  readonly policy?: CompiledPolicy;
  readonly problems: readonly PolicyProblem[];
} {
  const problems: PolicyProblem[] = [];
  const problem = (path: (string | number)[], code: ProblemCode, message: string): void => {
    problems.push({ path, code, message });
  };
  if (!isRecord(policy)) {
    problem([], "invalid-type", "policy must be an object with interval, daily, weekly, monthly or cron");
    return { problems };
  }

  let timeZone = DEFAULT_TIME_ZONE;
  if (policy["timezone"] !== undefined) {
    const tz = policy["timezone"];
    const canonical = typeof tz === "string" ? canonicalTimeZone(tz) : undefined;
    if (typeof tz !== "string") problem(["timezone"], "invalid-type", "timezone must be a string");
    else if (canonical === undefined) {
      problem(["timezone"], "invalid-timezone", `"${tz}" is not an IANA time zone (e.g. Europe/Berlin)`);
    } else timeZone = canonical;
  }

  const time = (section: string, value: unknown): ClockTime | undefined => {
    if (typeof value !== "string") {
      problem(
        [section, "time"],
        value === undefined ? "missing-field" : "invalid-type",
        `${section}.time must be a time like 10:14PM`,
      );
      return undefined;
    }
    const parsed = parseKitchen(value);
    if (!parsed.ok) problem([section, "time"], "invalid-time", parsed.error);
    return parsed.ok ? parsed.value : undefined;
  };
  const section = (name: string): Record<string, unknown> | undefined => {
    const value = policy[name];
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) {
      problem([name], "invalid-type", `${name} must be an object`);
      return undefined;
    }
    return value;
  };
  const compiled: {
    -readonly [K in keyof CompiledPolicy]: CompiledPolicy[K];
  } = { timeZone };

  const interval = section("interval");
  if (interval !== undefined) {
    const minutes = interval["intervalMinutes"];
    if (typeof minutes !== "number" || !Number.isInteger(minutes)) {
      problem(
        ["interval", "intervalMinutes"],
        minutes === undefined ? "missing-field" : "invalid-type",
        "interval.intervalMinutes must be a whole number of minutes",
      );
    } else if (minutes < 1) {
      problem(
        ["interval", "intervalMinutes"],
        "invalid-value",
        `intervalMinutes (${minutes}) must be at least 1`,
      );
    } else compiled.interval = { minutes };
  }

  const daily = section("daily");
  if (daily !== undefined) {
    const t = time("daily", daily["time"]);
    if (t !== undefined) compiled.daily = { time: t };
  }

  const weekly = section("weekly");
  if (weekly !== undefined) {
    const day = weekly["day"];
    const weekday = typeof day === "string" ? parseWeekday(day) : undefined;
    if (weekday === undefined) {
      problem(
        ["weekly", "day"],
        day === undefined ? "missing-field" : "invalid-weekday",
        `${JSON.stringify(day) ?? "nothing"} is not a day of the week; use Sunday or Sun (or sunday, sun)`,
      );
    }
    const t = time("weekly", weekly["time"]);
    if (weekday !== undefined && t !== undefined) compiled.weekly = { weekday, time: t };
  }

  const monthly = section("monthly");
  if (monthly !== undefined) {
    const date = monthly["date"];
    const validDate = typeof date === "number" && Number.isInteger(date) && date >= 1 && date <= 31;
    if (!validDate) {
      problem(
        ["monthly", "date"],
        date === undefined ? "missing-field" : "invalid-date",
        `date of the month (${JSON.stringify(date) ?? "nothing"}) must be a whole number from 1 to 31`,
      );
    }
    const t = time("monthly", monthly["time"]);
    if (validDate && t !== undefined) compiled.monthly = { date, time: t };
  }

  const cron = policy["cron"];
  if (cron !== undefined && cron !== null) {
    if (typeof cron !== "string") problem(["cron"], "invalid-type", "cron must be a string like */5 * * * *");
    else {
      const message = cronProblem(cron, timeZone);
      if (message !== undefined) problem(["cron"], "invalid-cron", message);
      else compiled.cron = { expression: cron.trim() };
    }
  }

  const sections = ["interval", "daily", "weekly", "monthly", "cron"];
  if (!sections.some((s) => policy[s] !== undefined && policy[s] !== null)) {
    problem([], "missing-field", `a schedule policy needs at least one of ${sections.join(", ")}`);
  }
  return problems.length === 0 ? { policy: compiled, problems } : { problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
