import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { runDueSchedules, type DueScheduleInput, type ScheduleState } from "../../../src/engine/run/index.js";
import type { MigrationSchedule, SchedulePolicy } from "../../../src/manifests/types.js";
import type { Repository } from "../../../src/repository/repository.js";
import { startMigrationEnv, type MigrationEnv } from "../../helpers/migration-env.js";
import { SOURCE_STORAGE_CLASS, WIDGET_CRD, shopApp, shopMigration } from "../../e2e/migration-fixture.js";

/** A clock the test moves; sleeping advances it instead of waiting. */
function testClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      await Promise.resolve();
    },
    set: (iso) => {
      now = new Date(iso).getTime();
    },
  };
}

const policy: SchedulePolicy = {
  apiVersion: "ferry.dev/v1alpha1",
  kind: "SchedulePolicy",
  metadata: { name: "testpolicy" },
  policy: { interval: { intervalMinutes: 60 }, daily: { time: "10:14PM" } },
};

const schedule = (suspend = false): MigrationSchedule => ({
  apiVersion: "ferry.dev/v1alpha1",
  kind: "MigrationSchedule",
  metadata: { name: "shop-dr", namespace: "shop" },
  spec: {
    schedulePolicyName: "testpolicy",
    suspend,
    template: { spec: shopMigration({ targets: [{ cluster: "west-1" }] }) },
  },
});

describe("runDueSchedules on local clusters", () => {
  let env: MigrationEnv;
  let repo: Repository;
  const clock = testClock("2026-11-21T06:00:00Z");
  let state: Record<string, ScheduleState> = {};
  const tick = async (
    inputs: DueScheduleInput[] = [{ schedule: schedule(), policy, file: "environments/prod/shop-dr.yaml" }],
  ) => {
    const result = await runDueSchedules({
      schedules: inputs,
      state,
      clusters: env.clients,
      repositoryFor: (name) => {
        expect(name).toBe("default");
        return Promise.resolve(repo);
      },
      clock,
    });
    state = result.state;
    return result;
  };

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", "west-1"], { controllers: false });
    await env.kubectl("east-1", ["apply", "-f", "-"], SOURCE_STORAGE_CLASS + "---\n" + WIDGET_CRD);
    await env.kubectl("east-1", ["apply", "-f", "-"], shopApp());
    repo = await env.openRepository({ filesystem: { path: "repo" } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it("the first interval run is immediate; a daily occurrence before the schedule was seen is not owed", async () => {
    const r = await tick();
    expect(r.runs.map((x) => x.name)).toEqual(["shop-dr-interval-2026-11-21-060000"]);
    expect(r.runs[0]?.result?.status.phase).toBe("Completed");
    expect(state["shop/shop-dr"]?.history.interval).toEqual([
      expect.objectContaining({ name: "shop-dr-interval-2026-11-21-060000", status: "Successful" }),
    ]);
    // Objects carry the schedule's name, not the run's, so later runs find them unchanged.
    const [cm] = await env.getJson("west-1", ["-n", "shop-dr", "cm", "settings"]);
    expect(cm?.metadata.labels?.["ferry.dev/migration"]).toBe("shop-dr");
  });

  it("nothing is due before the interval has passed", async () => {
    clock.set("2026-11-21T06:30:00Z");
    expect((await tick()).runs).toEqual([]);
  });

  it("the next interval run prunes the older success and writes nothing new", async () => {
    clock.set("2026-11-21T07:00:05Z");
    const r = await tick();
    expect(r.runs.map((x) => x.name)).toEqual(["shop-dr-interval-2026-11-21-070005"]);
    expect(r.runs[0]?.result?.status.targetClusterStatus[0]?.restore?.counts).toMatchObject({
      created: 0,
      updated: 0,
    });
    expect(r.pruned).toEqual(["shop-dr-interval-2026-11-21-060000"]);
    expect(state["shop/shop-dr"]?.history.interval?.map((x) => x.name)).toEqual([
      "shop-dr-interval-2026-11-21-070005",
    ]);
  });

  it("interval and daily fall due together at 10:14 PM; each keeps its own history", async () => {
    clock.set("2026-11-21T22:15:00Z");
    const r = await tick();
    expect(r.runs.map((x) => `${x.policyType}:${x.name}`)).toEqual([
      "interval:shop-dr-interval-2026-11-21-221500",
      "daily:shop-dr-daily-2026-11-21-221500",
    ]);
    expect(state["shop/shop-dr"]?.history.daily?.[0]).toMatchObject({ status: "Successful" });
  });

  it("a failed run is kept next to the last success", async () => {
    await env.local.clusters.get("west-1")?.refuseConnections();
    try {
      clock.set("2026-11-21T23:20:00Z");
      const r = await tick();
      expect(r.runs[0]?.result?.status.phase).toBe("PrecheckFailed");
      expect(state["shop/shop-dr"]?.history.interval?.map((x) => x.status)).toEqual(["Successful", "Failed"]);
      expect(r.pruned).toEqual([]);
    } finally {
      await env.local.clusters.get("west-1")?.acceptConnections();
    }
  });

  it("suspend starts nothing; a missing policy is reported; a deleted schedule's runs are forgotten", async () => {
    clock.set("2026-11-22T03:00:00Z");
    expect((await tick([{ schedule: schedule(true), policy }])).runs).toEqual([]);
    const missing = await tick([{ schedule: schedule(), policy: undefined }]);
    expect(missing.problems).toEqual([
      { schedule: "shop/shop-dr", message: "SchedulePolicy testpolicy does not exist" },
    ]);
    const gone = await tick([]);
    expect([...gone.forgotten].sort()).toEqual([
      "shop-dr-daily-2026-11-21-221500",
      "shop-dr-interval-2026-11-21-221500",
      "shop-dr-interval-2026-11-21-232000",
    ]);
    expect(gone.state).toEqual({});
  });
});
