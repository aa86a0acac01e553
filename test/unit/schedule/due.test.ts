import { describe, expect, it } from "vitest";
import { compilePolicy } from "../../../src/schedule/compile.js";
import { dueRuns, upcomingRuns } from "../../../src/schedule/due.js";
import { describePolicy, describePolicyChange } from "../../../src/schedule/describe.js";
import { runName } from "../../../src/schedule/run-name.js";
import type { CompiledPolicy, PolicyType } from "../../../src/schedule/types.js";

function compiled(policy: unknown): CompiledPolicy {
  const result = compilePolicy(policy);
  if (result.policy === undefined) throw new Error(JSON.stringify(result.problems));
  return result.policy;
}

const testpolicy = compiled({
  interval: { intervalMinutes: 1 },
  daily: { time: "10:14PM" },
  weekly: { day: "Thursday", time: "10:13PM" },
  monthly: { date: 14, time: "8:05PM" },
});
// The seed's MigrationSchedule was created at 2019-02-14T04:53:58Z.
const since = new Date("2019-02-14T04:53:58Z");
const d = (iso: string): Date => new Date(iso);

describe("runName", () => {
  it.each([
    [
      "mysqlmigrationschedule",
      "interval",
      "2019-02-16T00:40:52Z",
      "mysqlmigrationschedule-interval-2019-02-16-004052",
    ],
    [
      "mysqlmigrationschedule",
      "daily",
      "2019-02-14T22:16:51.789Z",
      "mysqlmigrationschedule-daily-2019-02-14-221651",
    ],
    ["shop-dr", "cron", "2024-03-10T07:00:00Z", "shop-dr-cron-2024-03-10-070000"],
  ] as const)("%s %s at %s", (schedule, type, at, expected) => {
    expect(runName(schedule, type, d(at))).toBe(expected);
  });
});

describe("dueRuns on the seed's history", () => {
  type Row = [label: string, now: string, lastRuns: Partial<Record<PolicyType, string>>, expected: string[]];
  it.each<Row>([
    [
      "first reconcile: only interval, at once",
      "2019-02-14T04:53:58Z",
      {},
      ["mysqlmigrationschedule-interval-2019-02-14-045358"],
    ],
    [
      "monthly at 8:05PM on the 14th",
      "2019-02-14T20:05:41Z",
      { interval: "2019-02-14T20:05:00Z" },
      ["mysqlmigrationschedule-monthly-2019-02-14-200541"],
    ],
    [
      "weekly on Thursday, and the interval",
      "2019-02-14T22:13:51Z",
      { interval: "2019-02-14T22:12:00Z", monthly: "2019-02-14T20:05:41Z" },
      [
        "mysqlmigrationschedule-interval-2019-02-14-221351",
        "mysqlmigrationschedule-weekly-2019-02-14-221351",
      ],
    ],
    [
      "daily",
      "2019-02-14T22:16:51Z",
      { interval: "2019-02-14T22:16:30Z", weekly: "2019-02-14T22:13:51Z", monthly: "2019-02-14T20:05:41Z" },
      ["mysqlmigrationschedule-daily-2019-02-14-221651"],
    ],
    [
      "interval exactly one interval later",
      "2019-02-16T00:40:52Z",
      {
        interval: "2019-02-16T00:39:52Z",
        daily: "2019-02-15T22:14:10Z",
        weekly: "2019-02-14T22:13:51Z",
        monthly: "2019-02-14T20:05:41Z",
      },
      ["mysqlmigrationschedule-interval-2019-02-16-004052"],
    ],
    [
      "nothing due a second early",
      "2019-02-16T00:40:51Z",
      {
        interval: "2019-02-16T00:39:52Z",
        daily: "2019-02-15T22:14:10Z",
        weekly: "2019-02-14T22:13:51Z",
        monthly: "2019-02-14T20:05:41Z",
      },
      [],
    ],
  ])("%s", (_label, now, lastRuns, expected) => {
    const runs = dueRuns(testpolicy, {
      schedule: "mysqlmigrationschedule",
      now: d(now),
      since,
      lastRuns: Object.fromEntries(Object.entries(lastRuns).map(([k, v]) => [k, d(v)])),
    });
    expect(runs.map((r) => r.name)).toEqual(expected);
  });
});

describe("dueRuns edge cases", () => {
  const daily = compiled({ daily: { time: "10:14PM" } });
  it.each([
    [
      "occurrence before since is not owed",
      daily,
      "2019-02-15T01:00:00Z",
      "2019-02-14T23:00:00Z",
      undefined,
      [],
    ],
    [
      "occurrence after since is owed",
      daily,
      "2019-02-15T01:00:00Z",
      "2019-02-14T20:00:00Z",
      undefined,
      ["daily"],
    ],
    [
      "a run exactly at the occurrence covers it",
      daily,
      "2019-02-15T01:00:00Z",
      since,
      "2019-02-14T22:14:00Z",
      [],
    ],
    [
      "missed days are caught up once",
      daily,
      "2019-02-20T01:00:00Z",
      since,
      "2019-02-14T22:15:00Z",
      ["daily"],
    ],
    [
      "NY spring forward: due at 3:00AM EDT",
      compiled({ daily: { time: "2:30AM" }, timezone: "America/New_York" }),
      "2024-03-10T07:00:00Z",
      "2024-01-01T00:00:00Z",
      "2024-03-09T07:30:05Z",
      ["daily"],
    ],
    [
      "NY spring forward: not yet at 2:59:59AM EST",
      compiled({ daily: { time: "2:30AM" }, timezone: "America/New_York" }),
      "2024-03-10T06:59:59Z",
      "2024-01-01T00:00:00Z",
      "2024-03-09T07:30:05Z",
      [],
    ],
    [
      "NY fall back: the repeated 1:30AM does not fire again",
      compiled({ daily: { time: "1:30AM" }, timezone: "America/New_York" }),
      "2024-11-03T06:30:00Z",
      "2024-01-01T00:00:00Z",
      "2024-11-03T05:30:05Z",
      [],
    ],
    [
      "cron every 5 minutes",
      compiled({ cron: "*/5 * * * *" }),
      "2024-01-01T00:10:00Z",
      since,
      "2024-01-01T00:05:01Z",
      ["cron"],
    ],
    [
      "cron not yet",
      compiled({ cron: "*/5 * * * *" }),
      "2024-01-01T00:09:59Z",
      since,
      "2024-01-01T00:05:01Z",
      [],
    ],
  ] as const)("%s", (_label, policy, now, sinceValue, lastRun, expected) => {
    const type = policy.cron !== undefined ? "cron" : "daily";
    const runs = dueRuns(policy, {
      schedule: "s",
      now: d(now),
      since: new Date(sinceValue),
      lastRuns: lastRun === undefined ? {} : { [type]: d(lastRun) },
    });
    expect(runs.map((r) => r.type)).toEqual(expected);
  });

  it("reports the occurrence that made a run due", () => {
    const [run] = dueRuns(daily, {
      schedule: "s",
      now: d("2019-02-20T01:00:00Z"),
      since,
      lastRuns: { daily: d("2019-02-14T22:15:00Z") },
    });
    expect(run?.dueAt.toISOString()).toBe("2019-02-19T22:14:00.000Z");
  });
});

describe("upcomingRuns", () => {
  it("lists the next run of each type, soonest first, due ones at now", () => {
    const now = d("2019-02-14T21:00:00Z");
    const runs = upcomingRuns(testpolicy, {
      now,
      since,
      lastRuns: { interval: d("2019-02-14T20:59:30Z"), monthly: d("2019-02-14T20:05:41Z") },
    });
    expect(runs.map((r) => [r.type, r.at.toISOString()])).toEqual([
      ["interval", "2019-02-14T21:00:30.000Z"],
      ["weekly", "2019-02-14T22:13:00.000Z"],
      ["daily", "2019-02-14T22:14:00.000Z"],
      ["monthly", "2019-03-14T20:05:00.000Z"],
    ]);
    expect(upcomingRuns(testpolicy, { now, since })[0]).toEqual({ type: "interval", at: now });
  });
});

describe("describePolicy / describePolicyChange", () => {
  it.each([
    [{ interval: { intervalMinutes: 1 } }, "every 1 minute"],
    [
      { daily: { time: "2:30am" }, weekly: { day: "sun", time: "4:00AM" }, timezone: "Europe/Berlin" },
      "daily at 2:30AM; weekly on Sunday at 4:00AM (Europe/Berlin)",
    ],
    [
      { monthly: { date: 31, time: "12:00AM" }, cron: "@daily" },
      'monthly on day 31 at 12:00AM; cron "@daily"',
    ],
    [{ interval: { intervalMinutes: 5 }, timezone: "Asia/Tokyo" }, "every 5 minutes"],
  ])("%j → %s", (policy, words) => {
    expect(describePolicy(compiled(policy))).toBe(words);
  });

  it.each([
    [{ daily: { time: "10:14PM" } }, { daily: { time: "11:30pm" } }, "daily at 10:14PM → daily at 11:30PM"],
    [{ daily: { time: "10:14PM" } }, { daily: { time: "10:14pm" } }, ""],
    [
      { daily: { time: "1:00AM" } },
      { daily: { time: "1:00AM" }, cron: "0 * * * *" },
      'adds cron "0 * * * *"',
    ],
    [
      { interval: { intervalMinutes: 5 }, daily: { time: "1:00AM" } },
      { daily: { time: "1:00AM" }, timezone: "Europe/Berlin" },
      "drops every 5 minutes; time zone UTC → Europe/Berlin",
    ],
  ])("%j → %j: %s", (before, after, words) => {
    expect(describePolicyChange(compiled(before), compiled(after))).toBe(words);
  });
});
