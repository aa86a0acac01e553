import { describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { isFerryError } from "../../../src/core/errors.js";
import {
  backupName,
  restoreToTarget,
  scheduleKey,
  uniqueBackupName,
  waitCrdsEstablished,
  withRunConditions,
} from "../../../src/engine/run/index.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import type { MigrationEvent } from "../../../src/engine/status/events.js";
import { reduceMigrationStatus } from "../../../src/engine/status/migration-status.js";
import { FakeCluster } from "./fake-cluster.js";

/** A clock whose sleep advances time at once. */
function fakeClock(start = "2026-11-21T06:00:00Z"): Clock {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

const cm = (name: string, data: Record<string, string> = { a: "1" }): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "shop" },
  data,
});

const context = { migration: "m", sourceCluster: "east-1", backup: "m-20261121060000" };

async function restore(target: FakeCluster, objects: KubeObject[], overwrite = false) {
  const events: MigrationEvent[] = [];
  const summary = await restoreToTarget({
    client: target,
    name: "r",
    objects,
    spec: { startApplications: false, overwrite },
    context,
    clock: fakeClock(),
    emit: (e) => events.push(e),
  });
  return { summary, events, status: reduceMigrationStatus(events) };
}

describe("backup names", () => {
  it.each([
    ["shop-to-west", "2026-11-21T06:00:05.123Z", "shop-to-west-20261121060005"],
    ["a", "1999-12-31T23:59:59Z", "a-19991231235959"],
    ["x".repeat(260), "2026-01-01T00:00:00Z", `${"x".repeat(238)}-20260101000000`],
  ])("%s at %s → %s", (migration, at, expected) => {
    const name = backupName(migration, new Date(at));
    expect(name).toBe(expected);
    expect(name.length).toBeLessThanOrEqual(253);
  });

  it("takes the next free suffix when a backup of that second exists", async () => {
    const taken = new Set(["m-20261121060000", "m-20261121060000-2"]);
    const name = await uniqueBackupName(
      { hasBackup: (n) => Promise.resolve(taken.has(n)) },
      "m",
      new Date("2026-11-21T06:00:00Z"),
    );
    expect(name).toBe("m-20261121060000-3");
  });
});

describe("waitCrdsEstablished", () => {
  const crd = (established: boolean): KubeObject => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    status: { conditions: [{ type: "Established", status: established ? "True" : "False" }] },
  });

  it("polls on the clock until the CRD is Established", async () => {
    const target = new FakeCluster("west-1");
    target.store(crd(false));
    let polls = 0;
    target.onGet = () => {
      if (++polls === 3) target.store(crd(true));
    };
    await waitCrdsEstablished({ client: target, crds: ["widgets.example.com"], clock: fakeClock() });
    expect(polls).toBe(3);
  });

  it("gives up at the deadline with a Timeout naming the CRDs", async () => {
    const target = new FakeCluster("west-1");
    target.store(crd(false));
    const error = await waitCrdsEstablished({
      client: target,
      crds: ["widgets.example.com"],
      clock: fakeClock(),
      timeoutMs: 1_000,
    }).catch((e: unknown) => e);
    expect(isFerryError(error, "Timeout")).toBe(true);
    expect((error as Error).message).toMatch(/widgets.example.com/);
  });
});

describe("restoreToTarget", () => {
  it("creates, then finds everything unchanged, listing once per type instead of getting each object", async () => {
    const target = new FakeCluster("west-1");
    const first = await restore(target, [cm("a"), cm("b")]);
    expect(first.status.targetClusterStatus[0]?.restore?.counts).toMatchObject({ created: 2 });
    target.calls.length = 0;
    const second = await restore(target, [cm("a"), cm("b")]);
    expect(second.status.targetClusterStatus[0]?.restore?.counts).toMatchObject({ unchanged: 2, created: 0 });
    expect(
      target.calls.filter((c) => c.startsWith("get") || c.startsWith("create") || c.startsWith("apply")),
    ).toEqual([]);
  });

  it("a create that meets AlreadyExists (written meanwhile) looks again and decides again", async () => {
    const target = new FakeCluster("west-1");
    await restore(target, [cm("a")]);
    const written = [...target.objects.values()][0] as KubeObject;
    target.objects.clear();
    // The object appears between the list and the create, as after a killed run's last write.
    target.beforeCreate = () => target.store(written);
    const again = await restore(target, [cm("a")]);
    expect(again.status.targetClusterStatus[0]?.restore?.counts).toMatchObject({ unchanged: 1, failed: 0 });
  });

  it.each([
    [false, { skipped: 1, updated: 0 }, "user"],
    [true, { skipped: 0, updated: 1 }, "1"],
  ])("a foreign object with overwrite=%s", async (overwrite, counts, value) => {
    const target = new FakeCluster("west-1");
    target.store(cm("a", { a: "user" }));
    const r = await restore(target, [cm("a")], overwrite);
    expect(r.status.targetClusterStatus[0]?.restore?.counts).toMatchObject(counts);
    expect([...target.objects.values()][0]?.["data"]).toEqual({ a: value });
  });

  it("a failed write is reported with its reason; the rest is written", async () => {
    const target = new FakeCluster("west-1");
    target.beforeCreate = (obj) => {
      if (obj.metadata.name === "b") throw new Error("admission webhook denied the request");
    };
    const r = await restore(target, [cm("a"), cm("b"), cm("c")]);
    const restoreStatus = r.status.targetClusterStatus[0]?.restore;
    expect(restoreStatus?.phase).toBe("PartiallyFailed");
    expect(restoreStatus?.counts).toMatchObject({ created: 2, failed: 1 });
    expect(restoreStatus?.errors).toEqual([
      { object: "ConfigMap shop/b", reason: "admission webhook denied the request" },
    ]);
  });

  it("an unreachable target fails the restore with the reason", async () => {
    const target = new FakeCluster("west-1");
    target.discover = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:1"));
    const r = await restore(target, [cm("a")]);
    expect(r.summary.error).toMatch(/ECONNREFUSED/);
    expect(r.status.targetClusterStatus[0]?.restore?.phase).toBe("Failed");
  });
});

describe("run status and schedule keys", () => {
  it("adds and replaces shell conditions", () => {
    const base = reduceMigrationStatus([]);
    const c = {
      type: "VolumesReplicated" as const,
      status: "False" as const,
      reason: "NoVolumeDataMover",
      message: "m",
      lastTransitionTime: "t",
    };
    expect(withRunConditions(base, [c]).conditions).toEqual([c]);
    expect(withRunConditions(base, [])).toBe(base);
  });

  it.each([
    [{ metadata: { name: "s" } }, "s"],
    [{ metadata: { name: "s", namespace: "shop" } }, "shop/s"],
  ])("scheduleKey(%j) = %s", (schedule, key) => {
    expect(scheduleKey(schedule)).toBe(key);
  });
});
