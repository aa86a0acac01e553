import { describe, expect, it } from "vitest";
import { compilePolicy } from "../../../src/schedule/compile.js";
import { nextOccurrence, previousOccurrence } from "../../../src/schedule/occurrences.js";
import type { CompiledPolicy, PolicyType } from "../../../src/schedule/types.js";

function compiled(policy: unknown): CompiledPolicy {
  const result = compilePolicy(policy);
  if (result.policy === undefined) throw new Error(JSON.stringify(result.problems));
  return result.policy;
}

const NY = "America/New_York";
const BERLIN = "Europe/Berlin";

type Row = [
  label: string,
  policy: unknown,
  type: PolicyType,
  reference: string,
  expected: string | undefined,
];

// Next occurrence strictly after the reference instant.
const nextRows: Row[] = [
  [
    "daily UTC, later today",
    { daily: { time: "10:14PM" } },
    "daily",
    "2024-01-01T00:00:00Z",
    "2024-01-01T22:14:00Z",
  ],
  [
    "daily UTC, exactly at: strictly after",
    { daily: { time: "10:14PM" } },
    "daily",
    "2024-01-01T22:14:00Z",
    "2024-01-02T22:14:00Z",
  ],
  [
    "daily lower-case pm",
    { daily: { time: "1:02pm" } },
    "daily",
    "2024-01-01T13:03:00Z",
    "2024-01-02T13:02:00Z",
  ],
  [
    "daily 12:00AM is midnight",
    { daily: { time: "12:00AM" } },
    "daily",
    "2024-12-31T23:59:00Z",
    "2025-01-01T00:00:00Z",
  ],
  [
    "daily Berlin summer",
    { daily: { time: "10:00PM" }, timezone: BERLIN },
    "daily",
    "2024-07-01T00:00:00Z",
    "2024-07-01T20:00:00Z",
  ],
  [
    "daily Berlin winter",
    { daily: { time: "10:00PM" }, timezone: BERLIN },
    "daily",
    "2024-01-01T00:00:00Z",
    "2024-01-01T21:00:00Z",
  ],
  // Spring forward: 2:30AM does not exist on 2024-03-10 in New York; runs at 3:00AM EDT.
  [
    "NY spring-forward gap",
    { daily: { time: "2:30AM" }, timezone: NY },
    "daily",
    "2024-03-10T05:00:00Z",
    "2024-03-10T07:00:00Z",
  ],
  [
    "NY day after the gap",
    { daily: { time: "2:30AM" }, timezone: NY },
    "daily",
    "2024-03-10T07:00:00Z",
    "2024-03-11T06:30:00Z",
  ],
  // Fall back: 1:30AM happens twice on 2024-11-03; only the first (EDT) one counts.
  [
    "NY fall-back first 1:30",
    { daily: { time: "1:30AM" }, timezone: NY },
    "daily",
    "2024-11-03T04:00:00Z",
    "2024-11-03T05:30:00Z",
  ],
  [
    "NY fall-back fires once",
    { daily: { time: "1:30AM" }, timezone: NY },
    "daily",
    "2024-11-03T05:30:00Z",
    "2024-11-04T06:30:00Z",
  ],
  [
    "Berlin spring-forward gap",
    { daily: { time: "2:30AM" }, timezone: BERLIN },
    "daily",
    "2024-03-30T23:00:00Z",
    "2024-03-31T01:00:00Z",
  ],
  [
    "Berlin fall-back first 2:30",
    { daily: { time: "2:30AM" }, timezone: BERLIN },
    "daily",
    "2024-10-26T22:00:00Z",
    "2024-10-27T00:30:00Z",
  ],
  [
    "Berlin fall-back fires once",
    { daily: { time: "2:30AM" }, timezone: BERLIN },
    "daily",
    "2024-10-27T00:30:00Z",
    "2024-10-28T01:30:00Z",
  ],
  // Midnight that does not exist (São Paulo started DST at 00:00): 1:00AM -02.
  [
    "São Paulo midnight gap",
    { daily: { time: "12:00AM" }, timezone: "America/Sao_Paulo" },
    "daily",
    "2018-11-03T12:00:00Z",
    "2018-11-04T03:00:00Z",
  ],
  // Lord Howe moves its clocks by 30 minutes: 2:15AM does not exist, 2:30AM +11 does.
  [
    "Lord Howe half-hour gap",
    { daily: { time: "2:15AM" }, timezone: "Australia/Lord_Howe" },
    "daily",
    "2024-10-05T12:00:00Z",
    "2024-10-05T15:30:00Z",
  ],
  // Samoa skipped 2011-12-30 entirely: its noon runs at the first instant of Dec 31.
  [
    "Apia skipped day",
    { daily: { time: "12:00PM" }, timezone: "Pacific/Apia" },
    "daily",
    "2011-12-29T22:00:00Z",
    "2011-12-30T10:00:00Z",
  ],
  [
    "Apia day after",
    { daily: { time: "12:00PM" }, timezone: "Pacific/Apia" },
    "daily",
    "2011-12-30T10:00:00Z",
    "2011-12-30T22:00:00Z",
  ],
  [
    "weekly seed, same day later",
    { weekly: { day: "Thursday", time: "10:13PM" } },
    "weekly",
    "2019-02-14T00:00:00Z",
    "2019-02-14T22:13:00Z",
  ],
  [
    "weekly seed, exactly at",
    { weekly: { day: "Thu", time: "10:13PM" } },
    "weekly",
    "2019-02-14T22:13:00Z",
    "2019-02-21T22:13:00Z",
  ],
  [
    "weekly wraps Sat → Sun",
    { weekly: { day: "Sunday", time: "1:00AM" } },
    "weekly",
    "2024-01-06T12:00:00Z",
    "2024-01-07T01:00:00Z",
  ],
  [
    "weekly wraps Sun → Sat",
    { weekly: { day: "sat", time: "11:00PM" } },
    "weekly",
    "2024-01-07T00:00:00Z",
    "2024-01-13T23:00:00Z",
  ],
  [
    "weekly in Tokyo is Sunday in UTC",
    { weekly: { day: "Mon", time: "1:00AM" }, timezone: "Asia/Tokyo" },
    "weekly",
    "2024-01-07T00:00:00Z",
    "2024-01-07T16:00:00Z",
  ],
  [
    "weekly across the year end",
    { weekly: { day: "Wednesday", time: "9:00AM" } },
    "weekly",
    "2024-12-31T10:00:00Z",
    "2025-01-01T09:00:00Z",
  ],
  [
    "monthly seed",
    { monthly: { date: 14, time: "8:05PM" } },
    "monthly",
    "2019-02-14T20:05:41Z",
    "2019-03-14T20:05:00Z",
  ],
  // Roll-over: a date the month lacks moves into the next month.
  [
    "Feb 31 → Mar 3 (2023 common)",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2023-02-01T00:00:00Z",
    "2023-03-03T00:00:00Z",
  ],
  [
    "Feb 31 → Mar 2 (2024 leap)",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2024-02-01T00:00:00Z",
    "2024-03-02T00:00:00Z",
  ],
  [
    "Feb 31 → Mar 3 (2100 not leap)",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2100-02-01T00:00:00Z",
    "2100-03-03T00:00:00Z",
  ],
  [
    "Feb 31 → Mar 2 (2000 leap)",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2000-02-01T00:00:00Z",
    "2000-03-02T00:00:00Z",
  ],
  [
    "Feb 30 → Mar 1 (2024)",
    { monthly: { date: 30, time: "12:00AM" } },
    "monthly",
    "2024-02-01T00:00:00Z",
    "2024-03-01T00:00:00Z",
  ],
  [
    "Feb 29 exists in 2024",
    { monthly: { date: 29, time: "12:00AM" } },
    "monthly",
    "2024-02-01T00:00:00Z",
    "2024-02-29T00:00:00Z",
  ],
  [
    "Feb 29 → Mar 1 (2023)",
    { monthly: { date: 29, time: "12:00AM" } },
    "monthly",
    "2023-02-01T00:00:00Z",
    "2023-03-01T00:00:00Z",
  ],
  [
    "Apr 31 → May 1",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2024-04-01T00:00:00Z",
    "2024-05-01T00:00:00Z",
  ],
  [
    "after the roll-over, the month's own date",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2024-03-02T00:00:00Z",
    "2024-03-31T00:00:00Z",
  ],
  [
    "Jan 31 then Feb's roll-over",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2024-01-31T00:00:00Z",
    "2024-03-02T00:00:00Z",
  ],
  [
    "month end across the year",
    { monthly: { date: 31, time: "11:59PM" } },
    "monthly",
    "2024-12-31T23:59:00Z",
    "2025-01-31T23:59:00Z",
  ],
  [
    "monthly date 1",
    { monthly: { date: 1, time: "6:00AM" } },
    "monthly",
    "2024-01-01T06:00:00Z",
    "2024-02-01T06:00:00Z",
  ],
  [
    "monthly in the NY gap",
    { monthly: { date: 10, time: "2:30AM" }, timezone: NY },
    "monthly",
    "2024-03-01T00:00:00Z",
    "2024-03-10T07:00:00Z",
  ],
  [
    "monthly Berlin local date",
    { monthly: { date: 1, time: "12:30AM" }, timezone: BERLIN },
    "monthly",
    "2024-06-15T00:00:00Z",
    "2024-06-30T22:30:00Z",
  ],
  [
    "interval from the last run",
    { interval: { intervalMinutes: 60 } },
    "interval",
    "2024-01-01T00:10:00Z",
    "2024-01-01T01:00:30Z",
  ],
  [
    "interval exactly at: next one",
    { interval: { intervalMinutes: 60 } },
    "interval",
    "2024-01-01T01:00:30Z",
    "2024-01-01T02:00:30Z",
  ],
  [
    "interval long after the last run",
    { interval: { intervalMinutes: 60 } },
    "interval",
    "2024-01-01T05:30:00Z",
    "2024-01-01T06:00:30Z",
  ],
  [
    "interval before the last run",
    { interval: { intervalMinutes: 60 } },
    "interval",
    "2023-12-31T00:00:00Z",
    "2024-01-01T01:00:30Z",
  ],
  ["cron every 5 minutes", { cron: "*/5 * * * *" }, "cron", "2024-01-01T00:05:00Z", "2024-01-01T00:10:00Z"],
  [
    "cron weekdays in Berlin",
    { cron: "0 9 * * 1-5", timezone: BERLIN },
    "cron",
    "2024-07-05T08:00:00Z",
    "2024-07-08T07:00:00Z",
  ],
  // cron-parser moves a time in the gap forward by the gap's length (3:30AM EDT).
  [
    "cron in the NY gap (cron-parser)",
    { cron: "30 2 * * *", timezone: NY },
    "cron",
    "2024-03-10T05:00:00Z",
    "2024-03-10T07:30:00Z",
  ],
  [
    "cron NY fall-back fires once",
    { cron: "30 1 * * *", timezone: NY },
    "cron",
    "2024-11-03T05:30:00Z",
    "2024-11-04T06:30:00Z",
  ],
  ["a section the policy lacks", { daily: { time: "1:00AM" } }, "weekly", "2024-01-01T00:00:00Z", undefined],
];

const LAST_RUN = new Date("2024-01-01T00:00:30Z");

describe("nextOccurrence", () => {
  it.each(nextRows)("%s", (_label, policy, type, reference, expected) => {
    const next = nextOccurrence(compiled(policy), type, new Date(reference), { lastRun: LAST_RUN });
    expect(next?.toISOString()).toBe(expected === undefined ? undefined : new Date(expected).toISOString());
  });
});

// Previous occurrence at or before the reference instant.
const previousRows: Row[] = [
  [
    "daily UTC, yesterday",
    { daily: { time: "10:14PM" } },
    "daily",
    "2024-01-01T00:00:00Z",
    "2023-12-31T22:14:00Z",
  ],
  [
    "daily UTC, exactly at: inclusive",
    { daily: { time: "10:14PM" } },
    "daily",
    "2024-01-01T22:14:00Z",
    "2024-01-01T22:14:00Z",
  ],
  [
    "NY fall-back: second 1:45 still sees the first 1:30",
    { daily: { time: "1:30AM" }, timezone: NY },
    "daily",
    "2024-11-03T06:45:00Z",
    "2024-11-03T05:30:00Z",
  ],
  [
    "NY gap day",
    { daily: { time: "2:30AM" }, timezone: NY },
    "daily",
    "2024-03-10T07:00:00Z",
    "2024-03-10T07:00:00Z",
  ],
  [
    "NY gap day, a minute before 3AM",
    { daily: { time: "2:30AM" }, timezone: NY },
    "daily",
    "2024-03-10T06:59:00Z",
    "2024-03-09T07:30:00Z",
  ],
  [
    "weekly seed, day after",
    { weekly: { day: "Thursday", time: "10:13PM" } },
    "weekly",
    "2019-02-15T00:00:00Z",
    "2019-02-14T22:13:00Z",
  ],
  [
    "weekly wraps back",
    { weekly: { day: "Saturday", time: "11:00PM" } },
    "weekly",
    "2024-01-07T00:00:00Z",
    "2024-01-06T23:00:00Z",
  ],
  [
    "monthly roll-over seen from March",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2024-03-15T00:00:00Z",
    "2024-03-02T00:00:00Z",
  ],
  [
    "monthly roll-over, common year",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2023-03-15T00:00:00Z",
    "2023-03-03T00:00:00Z",
  ],
  [
    "monthly exactly at",
    { monthly: { date: 31, time: "12:00AM" } },
    "monthly",
    "2024-01-31T00:00:00Z",
    "2024-01-31T00:00:00Z",
  ],
  [
    "monthly, year before",
    { monthly: { date: 14, time: "8:05PM" } },
    "monthly",
    "2019-01-10T00:00:00Z",
    "2018-12-14T20:05:00Z",
  ],
  ["interval none yet", { interval: { intervalMinutes: 60 } }, "interval", "2024-01-01T00:59:00Z", undefined],
  [
    "interval inclusive",
    { interval: { intervalMinutes: 60 } },
    "interval",
    "2024-01-01T01:00:30Z",
    "2024-01-01T01:00:30Z",
  ],
  [
    "interval several later",
    { interval: { intervalMinutes: 60 } },
    "interval",
    "2024-01-01T03:30:00Z",
    "2024-01-01T03:00:30Z",
  ],
  ["cron inclusive", { cron: "*/5 * * * *" }, "cron", "2024-01-01T00:05:00Z", "2024-01-01T00:05:00Z"],
  ["cron just before", { cron: "*/5 * * * *" }, "cron", "2024-01-01T00:04:59Z", "2024-01-01T00:00:00Z"],
];

describe("previousOccurrence", () => {
  it.each(previousRows)("%s", (_label, policy, type, reference, expected) => {
    const previous = previousOccurrence(compiled(policy), type, new Date(reference), { lastRun: LAST_RUN });
    expect(previous?.toISOString()).toBe(
      expected === undefined ? undefined : new Date(expected).toISOString(),
    );
  });
});

describe("interval with no run yet", () => {
  it.each([
    [15, "2024-01-01T00:07:00Z", "2024-01-01T00:15:00Z", "2024-01-01T00:00:00Z"],
    [60, "2024-01-01T10:00:00Z", "2024-01-01T11:00:00Z", "2024-01-01T10:00:00Z"],
    [1, "2024-01-01T10:00:30Z", "2024-01-01T10:01:00Z", "2024-01-01T10:00:00Z"],
  ])("every %i min from %s: lines up on the epoch", (minutes, reference, next, previous) => {
    const policy = compiled({ interval: { intervalMinutes: minutes } });
    expect(nextOccurrence(policy, "interval", new Date(reference))?.toISOString()).toBe(
      new Date(next).toISOString(),
    );
    expect(previousOccurrence(policy, "interval", new Date(reference))?.toISOString()).toBe(
      new Date(previous).toISOString(),
    );
  });
});

describe("a year of occurrences", () => {
  it.each([
    ["daily in New York", { daily: { time: "2:30AM" }, timezone: NY }, "daily", 366],
    ["daily in Berlin", { daily: { time: "2:30AM" }, timezone: BERLIN }, "daily", 366],
    ["weekly", { weekly: { day: "Sun", time: "2:30AM" }, timezone: NY }, "weekly", 52],
    [
      "monthly on the 31st (Feb's rolls into March)",
      { monthly: { date: 31, time: "2:30AM" } },
      "monthly",
      12,
    ],
  ] as const)("%s: one run per period, strictly increasing", (_label, policy, type, count) => {
    const p = compiled(policy);
    let t = new Date("2024-01-01T00:00:00Z");
    const end = new Date("2025-01-01T00:00:00Z");
    const seen: Date[] = [];
    for (;;) {
      const next = nextOccurrence(p, type, t);
      if (next === undefined || next >= end) break;
      expect(next.getTime()).toBeGreaterThan(t.getTime());
      expect(previousOccurrence(p, type, next)?.getTime()).toBe(next.getTime());
      seen.push(next);
      t = next;
    }
    expect(seen).toHaveLength(count);
  });
});
