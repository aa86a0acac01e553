import { afterEach, describe, expect, it, vi } from "vitest";
import type { KubeObject } from "../../../src/local/api.js";
import { R } from "../../../src/local/controllers/runtime/gvr.js";
import { cronTimes } from "../../../src/local/controllers/workloads/cron-schedule.js";
import { SteppingClock, startHarness, type Harness } from "../../helpers/controller-harness.js";

describe("cronTimes", () => {
  const at = (iso: string): Date => new Date(iso);
  it.each([
    ["*/5 * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:04:59Z", undefined, "2026-01-01T00:05:00.000Z", 0],
    [
      "*/5 * * * *",
      "2026-01-01T00:00:00Z",
      "2026-01-01T00:05:00Z",
      "2026-01-01T00:05:00.000Z",
      "2026-01-01T00:10:00.000Z",
      1,
    ],
    [
      "*/5 * * * *",
      "2026-01-01T00:00:00Z",
      "2026-01-01T00:17:00Z",
      "2026-01-01T00:15:00.000Z",
      "2026-01-01T00:20:00.000Z",
      3,
    ],
    [
      "@hourly",
      "2026-01-01T00:30:00Z",
      "2026-01-01T01:00:00Z",
      "2026-01-01T01:00:00.000Z",
      "2026-01-01T02:00:00.000Z",
      1,
    ],
    [
      "* * * * *",
      "2026-01-01T00:00:00Z",
      "2026-01-03T00:00:30Z",
      "2026-01-03T00:00:00.000Z",
      "2026-01-03T00:01:00.000Z",
      101,
    ],
  ])("%s since %s at %s: latest %s, next %s", (schedule, since, now, latest, next, missed) => {
    const result = cronTimes(schedule, { since: at(since), now: at(now) });
    expect(result).toMatchObject({ ok: true, next: at(next), missed });
    if (result.ok) expect(result.latest?.toISOString()).toBe(latest);
  });

  it("names a bad schedule", () => {
    expect(cronTimes("not a schedule", { since: new Date(), now: new Date() })).toMatchObject({ ok: false });
  });
});

const cronJob = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "tick", namespace: "ops" },
  spec: {
    schedule: "*/1 * * * *",
    jobTemplate: {
      spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } },
    },
    ...spec,
  },
});

describe("cronjob controller", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("creates jobs on schedule, keeps the history limit and records lastScheduleTime", async () => {
    // The fake store stamps creation with the real time; the stepping clock starts there too.
    h = await startHarness({ clock: new SteppingClock(new Date()) });
    h.api.create(R.cronJobs, cronJob({ successfulJobsHistoryLimit: 2 }));
    await vi.waitFor(() => {
      const status = h.api.get(R.cronJobs, "ops", "tick")?.["status"] as
        { lastSuccessfulTime?: string } | undefined;
      const complete = h.api
        .list(R.jobs, { namespace: "ops" })
        .filter((j) => JSON.stringify(j["status"] ?? {}).includes('"type":"Complete"'));
      expect(complete.length).toBeLessThanOrEqual(2);
      expect(status?.lastSuccessfulTime).toBeDefined();
      expect(h.api.writes.filter((w) => w.startsWith("create jobs/")).length).toBeGreaterThanOrEqual(4);
    });
    for (const job of h.api.list(R.jobs, { namespace: "ops" })) {
      expect(job.metadata.name).toMatch(/^tick-\d+$/);
      expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: "CronJob", name: "tick" });
    }
  });

  it("creates nothing while suspended", async () => {
    h = await startHarness({ clock: new SteppingClock(new Date()) });
    h.api.create(R.cronJobs, cronJob({ suspend: true }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.api.list(R.jobs, { namespace: "ops" })).toEqual([]);
  });
});
