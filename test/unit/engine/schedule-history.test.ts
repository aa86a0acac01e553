import { describe, expect, it } from "vitest";
import {
  forgetRuns,
  reduceScheduleHistory,
  runStatusOf,
  type RunStatus,
  type ScheduleHistory,
  type ScheduleRun,
} from "../../../src/engine/status/schedule-history.js";
import type { MigrationPhase } from "../../../src/engine/status/migration-status.js";

const at = (m: number): string => new Date(Date.UTC(2019, 1, 16, 0, m)).toISOString();
const run = (m: number, status: RunStatus, finished = status !== "InProgress"): ScheduleRun => ({
  name: `mysql-interval-${m}`,
  creationTimestamp: at(m),
  ...(finished ? { finishTimestamp: at(m + 1) } : {}),
  status,
});

describe("reduceScheduleHistory", () => {
  it.each<[string, ScheduleRun[], { name: string; at: string; status: RunStatus }, string[], string[]]>([
    // history, event, kept names, pruned names
    [
      "first run starts",
      [],
      { name: "mysql-interval-1", at: at(1), status: "InProgress" },
      ["mysql-interval-1"],
      [],
    ],
    [
      "a success prunes everything before it",
      [run(1, "Successful"), run(2, "Failed"), run(3, "InProgress")],
      { name: "mysql-interval-3", at: at(4), status: "Successful" },
      ["mysql-interval-3"],
      ["mysql-interval-1", "mysql-interval-2"],
    ],
    [
      "failures after the last success are kept",
      [run(1, "Successful"), run(2, "InProgress")],
      { name: "mysql-interval-2", at: at(3), status: "Failed" },
      ["mysql-interval-1", "mysql-interval-2"],
      [],
    ],
    [
      "a new run after a success keeps the success",
      [run(1, "Successful")],
      { name: "mysql-interval-5", at: at(5), status: "InProgress" },
      ["mysql-interval-1", "mysql-interval-5"],
      [],
    ],
    [
      "an older in-progress run survives a later success",
      [run(1, "InProgress"), run(2, "InProgress")],
      { name: "mysql-interval-2", at: at(3), status: "Successful" },
      ["mysql-interval-1", "mysql-interval-2"],
      [],
    ],
  ])("%s", (_name, runs, event, kept, pruned) => {
    const history: ScheduleHistory = { interval: runs, daily: [run(0, "Successful")] };
    const out = reduceScheduleHistory(history, { policyType: "interval", ...event });
    expect(out.history.interval?.map((r) => r.name)).toEqual(kept);
    expect(out.pruned).toEqual(pruned);
    expect(out.history.daily).toEqual(history.daily);
  });

  it("records creation and finish times like Stork's status items", () => {
    let h: ScheduleHistory = {};
    h = reduceScheduleHistory(h, {
      policyType: "daily",
      name: "s-daily-1",
      at: at(10),
      status: "InProgress",
    }).history;
    expect(h.daily).toEqual([{ name: "s-daily-1", creationTimestamp: at(10), status: "InProgress" }]);
    h = reduceScheduleHistory(h, {
      policyType: "daily",
      name: "s-daily-1",
      at: at(13),
      status: "Successful",
    }).history;
    expect(h.daily).toEqual([
      { name: "s-daily-1", creationTimestamp: at(10), finishTimestamp: at(13), status: "Successful" },
    ]);
  });

  it("bounds the failures kept while nothing succeeds", () => {
    let h: ScheduleHistory = {};
    const pruned: string[] = [];
    for (let i = 0; i < 5; i++) {
      const out = reduceScheduleHistory(
        h,
        { policyType: "cron", name: `r${i}`, at: at(i), status: "Failed" },
        { maxFailedRuns: 3 },
      );
      h = out.history;
      pruned.push(...out.pruned);
    }
    expect(h.cron?.map((r) => r.name)).toEqual(["r2", "r3", "r4"]);
    expect(pruned).toEqual(["r0", "r1"]);
  });

  it("does not modify the history it is given", () => {
    const history: ScheduleHistory = { interval: [run(1, "Successful"), run(2, "InProgress")] };
    const before = structuredClone(history);
    reduceScheduleHistory(history, {
      policyType: "interval",
      name: "mysql-interval-2",
      at: at(3),
      status: "Successful",
    });
    expect(history).toEqual(before);
  });
});

describe("forgetRuns", () => {
  it("drops a deleted schedule's history and names its runs for deletion", () => {
    const histories = {
      a: { interval: [run(1, "Successful")], daily: [run(2, "Failed")] },
      b: { weekly: [run(3, "Successful")] },
    };
    const out = forgetRuns(histories, "a");
    expect(out.forgotten).toEqual(["mysql-interval-1", "mysql-interval-2"]);
    expect(Object.keys(out.histories)).toEqual(["b"]);
  });

  it("forgetting an unknown schedule forgets nothing", () => {
    expect(forgetRuns({}, "x")).toEqual({ histories: {}, forgotten: [] });
  });
});

describe("runStatusOf", () => {
  it.each<[MigrationPhase, RunStatus]>([
    ["Pending", "InProgress"],
    ["InProgress", "InProgress"],
    ["Completed", "Successful"],
    ["PartiallyFailed", "Failed"],
    ["PrecheckFailed", "Failed"],
    ["Failed", "Failed"],
  ])("%s → %s", (phase, status) => {
    expect(runStatusOf(phase)).toBe(status);
  });
});
