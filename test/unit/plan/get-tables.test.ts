import { describe, expect, it } from "vitest";
import { createDesiredState } from "../../../src/manifests/state.js";
import type { LoadedObject, Manifest } from "../../../src/manifests/types.js";
import { findResource, formatTable, nextRun, RESOURCES } from "../../../src/cli/commands/get-tables.js";
import { compilePolicy } from "../../../src/schedule/compile.js";
import type { CompiledPolicy } from "../../../src/schedule/types.js";
import { baseManifests } from "./fixtures.js";

// `ferry get`'s tables are pure functions of the desired state and the time.
const loaded = (manifest: Manifest): LoadedObject => ({
  manifest,
  location: { file: "x.yaml", line: 1, column: 1 },
  documentIndex: 0,
  locate: () => ({ file: "x.yaml", line: 1, column: 1 }),
});
const state = createDesiredState(baseManifests().map(loaded));
const NOW = new Date("2019-02-14T21:00:00Z");

function rows(resource: string, wide = false): string[][] {
  const r = findResource(resource);
  if (r === undefined) throw new Error(resource);
  return state.list(r.kind).map((o) => r.row(o, { state, now: NOW, wide }));
}

const compiled = (policy: unknown): CompiledPolicy => compilePolicy(policy).policy!;

describe("findResource", () => {
  it.each([
    ["schedulepolicy", "SchedulePolicy"],
    ["schedulepolicies", "SchedulePolicy"],
    ["SP", "SchedulePolicy"],
    ["migrations", "Migration"],
    ["ms", "MigrationSchedule"],
    ["vr", "VolumeReplication"],
    ["volumegroup", "VolumeGroup"],
    ["Cluster", "Cluster"],
    ["fleets", "Fleet"],
    ["repo", "ReplicationRepository"],
    ["pods", undefined],
  ])("%s → %s", (name, kind) => {
    expect(findResource(name)?.kind).toBe(kind);
  });

  it("has one entry per kind", () => {
    expect(new Set(RESOURCES.map((r) => r.kind)).size).toBe(8);
  });
});

describe("rows", () => {
  it.each([
    ["schedulepolicy", false, ["testpolicy", "1", "10:14PM", "Thursday@10:13PM", "14@8:05PM"]],
    ["schedulepolicy", false, ["nightly", "N/A", "11:00PM", "N/A", "N/A"]],
    ["schedulepolicy", true, ["nightly", "N/A", "11:00PM", "N/A", "N/A", "N/A", "UTC"]],
    ["migrations", false, ["shop-to-west", "prod", "east-1", "west-1", "shop"]],
    ["migrationschedules", false, ["shop-dr", "testpolicy", "false", "within 1m (interval)"]],
    ["volumereplications", false, ["pg-dr", "shop", "east-1", "west-1", "*/5 * * * *", "false"]],
    [
      "volumereplications",
      true,
      ["pg-dr", "shop", "east-1", "west-1", "*/5 * * * *", "false", "pg", "2", "2019-02-14 21:05 UTC (cron)"],
    ],
    ["volumegroups", false, ["pg", "shop", "data-pg-0,wal-pg-0"]],
    ["clusters", false, ["east-1", "prod", "local:east-1", "region=us-east"]],
    ["fleets", false, ["prod", "east-1,west-1,west-2", "<none>"]],
    ["repo", false, ["default", "filesystem", "/var/lib/ferry/repo", "$FERRY_REPOSITORY_KEY"]],
  ] as const)("%s (wide: %s) has row %j", (resource, wide, row) => {
    expect(rows(resource, wide)).toContainEqual(row);
  });
});

describe("nextRun", () => {
  it.each([
    ["daily only", { daily: { time: "11:00PM" } }, "2019-02-14 23:00 UTC (daily)"],
    [
      "interval sooner than daily",
      { interval: { intervalMinutes: 30 }, daily: { time: "11:00PM" } },
      "within 30m (interval)",
    ],
    [
      "daily sooner than interval",
      { interval: { intervalMinutes: 180 }, daily: { time: "9:30PM" } },
      "2019-02-14 21:30 UTC (daily)",
    ],
    ["monthly roll-over", { monthly: { date: 31, time: "12:00AM" } }, "2019-03-03 00:00 UTC (monthly)"],
    [
      "Berlin time shown in UTC",
      { weekly: { day: "Fri", time: "1:00AM" }, timezone: "Europe/Berlin" },
      "2019-02-15 00:00 UTC (weekly)",
    ],
  ])("%s", (_label, policy, expected) => {
    expect(nextRun(compiled(policy), NOW)).toBe(expected);
  });

  it("says <none> without a policy", () => {
    expect(nextRun(undefined, NOW)).toBe("<none>");
  });
});

describe("formatTable", () => {
  it("aligns like kubectl: width max(10, longest + 3), last column unpadded", () => {
    expect(
      formatTable(
        ["NAME", "INTERVAL-MINUTES", "DAILY", "WEEKLY", "MONTHLY"],
        [["testpolicy", "1", "10:14PM", "Thursday@10:13PM", "14@8:05PM"]],
      ),
    ).toBe(
      "NAME         INTERVAL-MINUTES   DAILY     WEEKLY             MONTHLY\n" +
        "testpolicy   1                  10:14PM   Thursday@10:13PM   14@8:05PM\n",
    );
  });
});
