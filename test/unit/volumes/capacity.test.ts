import { describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import type { VolumeGroup, VolumeReplication } from "../../../src/manifests/types.js";
import { capacityChanged, compareCapacity, nextResize } from "../../../src/volumes/capacity.js";
import { replicateGroup, type VolumeReplicationStatus } from "../../../src/volumes/index.js";
import { FakeCluster, boundClaim } from "./fake-cluster.js";

const claims = (...list: [string, string][]): Map<string, KubeObject> =>
  new Map(list.map(([name, size]) => [name, boundClaim(name, size)]));

describe("compareCapacity", () => {
  const base = {
    namespace: "shop",
    group: "pg",
    pvcMap: { data: "data-copy", wal: "wal-copy" },
    sourceCluster: "east-1",
    targetCluster: "west-1",
  };
  it.each([
    {
      name: "both sides at the desired size",
      desired: { data: "2Gi" },
      source: claims(["data", "2Gi"]),
      target: claims(["data-copy", "2Gi"]),
      grow: {},
      larger: 0,
    },
    {
      name: "both sides smaller",
      desired: { data: "4Gi" },
      source: claims(["data", "2Gi"]),
      target: claims(["data-copy", "2Gi"]),
      grow: { data: "4Gi" },
      larger: 0,
    },
    {
      name: "only the target smaller (grown by the same resize)",
      desired: { data: "4Gi" },
      source: claims(["data", "4Gi"]),
      target: claims(["data-copy", "2Gi"]),
      grow: { data: "4Gi" },
      larger: 0,
    },
    {
      name: "equal in other units",
      desired: { data: "2048Mi" },
      source: claims(["data", "2Gi"]),
      target: claims(["data-copy", "2Gi"]),
      grow: {},
      larger: 0,
    },
    {
      name: "both sides larger: reported twice, never shrunk",
      desired: { data: "1Gi" },
      source: claims(["data", "2Gi"]),
      target: claims(["data-copy", "2Gi"]),
      grow: {},
      larger: 2,
    },
    {
      name: "source larger, target smaller: the target grows, the source is reported",
      desired: { data: "3Gi" },
      source: claims(["data", "4Gi"]),
      target: claims(["data-copy", "2Gi"]),
      grow: { data: "3Gi" },
      larger: 1,
    },
    {
      name: "a missing target claim is left to ConfigurationReconciliation",
      desired: { data: "4Gi", wal: "1Gi" },
      source: claims(["data", "2Gi"], ["wal", "1Gi"]),
      target: claims(["wal-copy", "1Gi"]),
      grow: { data: "4Gi" },
      larger: 0,
    },
  ])("$name", ({ desired, source, target, grow, larger }) => {
    const verdict = compareCapacity({ ...base, desired, sourceClaims: source, targetClaims: target });
    expect(verdict.grow).toEqual(grow);
    expect(verdict.larger).toHaveLength(larger);
  });

  it("names the claim, cluster, sizes and field when a claim is larger", () => {
    const verdict = compareCapacity({
      ...base,
      desired: { data: "1Gi" },
      sourceClaims: claims(["data", "2Gi"]),
      targetClaims: new Map(),
    });
    expect(verdict.larger).toEqual([
      "claim shop/data on east-1 requests 2Gi, more than 1Gi in VolumeGroup pg spec.capacity; Kubernetes cannot shrink a claim, so it keeps its size",
    ]);
  });
});

describe("nextResize", () => {
  const now = new Date("2026-11-21T06:00:00Z");
  const at = "2026-11-21T05:00:00.000Z";
  it.each([
    { name: "nothing pending, nothing to grow", pending: undefined, grow: {}, next: undefined },
    {
      name: "nothing pending: the capacity's resize",
      pending: undefined,
      grow: { data: "4Gi" },
      next: { sizes: { data: "4Gi" }, startedAt: now.toISOString(), requestedBy: "capacity" },
    },
    {
      name: "a capacity resize is replaced by the current capacity",
      pending: { sizes: { data: "8Gi" }, startedAt: at, requestedBy: "capacity" as const },
      grow: { data: "4Gi" },
      next: { sizes: { data: "4Gi" }, startedAt: at, requestedBy: "capacity" },
    },
    {
      name: "a capacity resize no longer asked for is withdrawn",
      pending: { sizes: { data: "8Gi" }, startedAt: at, requestedBy: "capacity" as const },
      grow: {},
      next: undefined,
    },
    {
      name: "a command-line resize is kept, each claim at the larger size",
      pending: { sizes: { data: "8Gi", wal: "1Gi" }, startedAt: at },
      grow: { data: "4Gi", wal: "2Gi" },
      next: { sizes: { data: "8Gi", wal: "2Gi" }, startedAt: at },
    },
  ])("$name", ({ pending, grow, next }) => {
    expect(nextResize({ pending, grow, now })).toEqual(next);
  });

  it("returns the pending resize itself when nothing changes (no status update)", () => {
    const pending = { sizes: { data: "4Gi" }, startedAt: at, requestedBy: "capacity" as const };
    expect(nextResize({ pending, grow: { data: "4Gi" }, now })).toBe(pending);
  });
});

describe("capacityChanged", () => {
  it.each([
    [undefined, undefined, false],
    [{ data: "2Gi" }, { data: "2Gi" }, false],
    [{ data: "2Gi" }, undefined, true],
    [undefined, { data: "2Gi" }, true],
    [{ data: "4Gi" }, { data: "2Gi" }, true],
    [{ data: "2Gi", wal: "1Gi" }, { data: "2Gi" }, true],
  ])("%j against %j: %s", (desired, reconciled, changed) => {
    expect(capacityChanged(desired, reconciled)).toBe(changed);
  });
});

/** A clock that never sleeps for real. */
function testClock(start: string): Clock {
  let now = new Date(start);
  return {
    now: () => now,
    sleep: (ms) => {
      now = new Date(now.getTime() + ms);
      return Promise.resolve();
    },
  };
}

describe("replicateGroup with a VolumeGroup capacity", () => {
  const replication: VolumeReplication = {
    apiVersion: "ferry.dev/v1alpha1",
    kind: "VolumeReplication",
    metadata: { name: "pg-dr", namespace: "shop" },
    spec: {
      source: { cluster: "east-1", volumeGroup: "pg" },
      target: { cluster: "west-1", volumeGroup: "pg" },
      pvcMap: { data: "data", wal: "wal" },
      schedule: "*/5 * * * *",
    },
  };
  const group = (capacity?: Record<string, string>): VolumeGroup => ({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "VolumeGroup",
    metadata: { name: "pg", namespace: "shop" },
    spec: { pvcs: ["data", "wal"], ...(capacity === undefined ? {} : { capacity }) },
  });
  // The last cycle ran a minute ago: no cycle is due by the schedule.
  const idle: VolumeReplicationStatus = {
    phase: "Idle",
    role: { source: "east-1", target: "west-1" },
    conditions: [],
    lastCycle: {
      id: "c",
      result: "Succeeded",
      state: "Cleanup",
      startedAt: "2026-11-21T06:00:10Z",
      finishedAt: "2026-11-21T06:00:20Z",
      bytesRead: 0,
      bytesSent: 0,
    },
  };
  const setup = (): { east: FakeCluster; west: FakeCluster; clusters: Map<string, FakeCluster> } => {
    const east = new FakeCluster("east-1");
    const west = new FakeCluster("west-1");
    for (const side of [east, west]) {
      side.put(boundClaim("data", "2Gi"));
      side.put(boundClaim("wal", "1Gi"));
    }
    return { east, west, clusters: new Map([east, west].map((c) => [c.name, c])) };
  };
  const run = (
    clusters: Map<string, FakeCluster>,
    capacity: Record<string, string> | undefined,
    status: VolumeReplicationStatus,
    events: VolumeReplicationStatus[] = [],
  ): Promise<VolumeReplicationStatus> =>
    replicateGroup({
      replication,
      groups: new Map([["pg", group(capacity)]]),
      clusters,
      repository: { location: "/repo", secretEnv: {} },
      clock: testClock("2026-11-21T06:01:00Z"),
      status,
      options: { remediation: "manual" },
      onEvent: (e) => {
        if (e.type === "Status") events.push(e.status);
      },
    });

  it("a larger capacity pauses replication, grows both sides as one resize, and records it", async () => {
    const { east, west, clusters } = setup();
    const events: VolumeReplicationStatus[] = [];
    const s = await run(clusters, { data: "4Gi" }, idle, events);
    expect(east.calls.filter((c) => c.startsWith("patch"))).toEqual(["patch PersistentVolumeClaim/data"]);
    expect(west.calls.filter((c) => c.startsWith("patch"))).toEqual(["patch PersistentVolumeClaim/data"]);
    // The resize was recorded before any claim grew, with the phase Resizing while it ran.
    const recorded = events.findIndex((e) => e.resize?.requestedBy === "capacity");
    expect(events[recorded]?.resize?.sizes).toEqual({ data: "4Gi" });
    expect(events.slice(recorded).some((e) => e.phase === "Resizing")).toBe(true);
    expect(s.resize).toBeUndefined();
    expect(s.capacity).toEqual({ data: "4Gi" });
    expect(s.conditions.find((c) => c.type === "Resized")).toMatchObject({
      status: "True",
      reason: "BothSidesGrown",
      message: "data: 4Gi",
    });
    expect(s.conditions.find((c) => c.type === "Capacity")).toMatchObject({
      status: "True",
      reason: "AtDesiredCapacity",
    });
  });

  it("a smaller capacity is reported and never attempted", async () => {
    const { east, west, clusters } = setup();
    const s = await run(clusters, { data: "1Gi" }, idle);
    expect([...east.calls, ...west.calls].filter((c) => c.startsWith("patch"))).toEqual([]);
    expect(s.resize).toBeUndefined();
    const condition = s.conditions.find((c) => c.type === "Capacity");
    expect(condition).toMatchObject({ status: "False", reason: "ShrinkNotPossible" });
    expect(condition?.message).toContain("claim shop/data on east-1 requests 2Gi, more than 1Gi");
    expect(condition?.message).toContain("claim shop/data on west-1 requests 2Gi");
  });

  it("a capacity already reconciled does not make a cycle due", async () => {
    const { east, clusters } = setup();
    const s = await run(clusters, { data: "2Gi" }, { ...idle, capacity: { data: "2Gi" } });
    expect(east.calls).toEqual([]);
    expect(s.phase).toBe("Idle");
  });

  it("a refused growth keeps the resize pending; lowering the capacity in Git withdraws it", async () => {
    const { west, clusters } = setup();
    west.refuseGrowth.add("data");
    const refused = await run(clusters, { data: "4Gi" }, idle);
    expect(refused.resize).toMatchObject({ sizes: { data: "4Gi" }, requestedBy: "capacity" });
    expect(refused.conditions.find((c) => c.type === "Resized")?.reason).toBe("ResizeFailed");
    expect(refused.conditions.find((c) => c.type === "Capacity")?.reason).toBe("ResizeFailed");
    // The source grew to 4Gi before the target refused: lowered to 2Gi, it is reported, not shrunk.
    const lowered = await run(clusters, { data: "2Gi" }, refused);
    expect(lowered.resize).toBeUndefined();
    expect(lowered.capacity).toEqual({ data: "2Gi" });
    expect(lowered.conditions.find((c) => c.type === "Capacity")).toMatchObject({
      status: "False",
      reason: "ShrinkNotPossible",
    });
  });
});
