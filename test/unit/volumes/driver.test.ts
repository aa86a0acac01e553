import { describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import type { VolumeGroup, VolumeReplication } from "../../../src/manifests/types.js";
import {
  deleteReplication,
  failoverPullRequest,
  replicateGroup,
  resizeGroup,
  type DriverOptions,
  type VolumeReplicationStatus,
} from "../../../src/volumes/index.js";
import { FakeCluster, boundClaim } from "./fake-cluster.js";

/** A clock that never sleeps for real. */
function testClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start);
  return {
    now: () => now,
    sleep: (ms) => {
      now = new Date(now.getTime() + ms);
      return Promise.resolve();
    },
    set: (iso) => {
      now = new Date(iso);
    },
  };
}

const group: VolumeGroup = {
  apiVersion: "ferry.dev/v1alpha1",
  kind: "VolumeGroup",
  metadata: { name: "pg", namespace: "shop" },
  spec: { pvcs: ["data", "wal"] },
};
const replication = (over: Partial<VolumeReplication["spec"]> = {}): VolumeReplication => ({
  apiVersion: "ferry.dev/v1alpha1",
  kind: "VolumeReplication",
  metadata: { name: "pg-dr", namespace: "shop" },
  spec: {
    source: { cluster: "east-1", volumeGroup: "pg" },
    target: { cluster: "west-1", volumeGroup: "pg" },
    pvcMap: { data: "data", wal: "wal" },
    schedule: "*/5 * * * *",
    ...over,
  },
});

function setup(): { east: FakeCluster; west: FakeCluster; clusters: Map<string, FakeCluster> } {
  const east = new FakeCluster("east-1");
  const west = new FakeCluster("west-1");
  east.put(boundClaim("data", "2Gi"));
  east.put(boundClaim("wal", "1Gi"));
  return {
    east,
    west,
    clusters: new Map([
      ["east-1", east],
      ["west-1", west],
    ]),
  };
}

const run = (
  clusters: Map<string, FakeCluster>,
  clock: Clock,
  options: { status?: VolumeReplicationStatus; replication?: VolumeReplication; driver?: DriverOptions } = {},
): Promise<VolumeReplicationStatus> =>
  replicateGroup({
    replication: options.replication ?? replication(),
    groups: new Map([["pg", group]]),
    clusters,
    repository: { location: "/repo", secretEnv: {} },
    clock,
    ...(options.status === undefined ? {} : { status: options.status }),
    ...(options.driver === undefined ? {} : { options: options.driver }),
  });

describe("replicateGroup without running a cycle", () => {
  it("is Suspended and runs nothing when spec.suspend is true", async () => {
    const { east, clusters } = setup();
    const s = await run(clusters, testClock("2026-11-21T06:00:00Z"), {
      replication: replication({ suspend: true }),
    });
    expect(s.phase).toBe("Suspended");
    expect(s.conditions.find((c) => c.type === "Replicating")?.reason).toBe("Suspended");
    expect(east.calls).toEqual([]);
  });

  it("does nothing until the schedule falls due, and reports the RPO", async () => {
    const { east, clusters } = setup();
    const status: VolumeReplicationStatus = {
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
      lastConsistent: {
        cycle: "c",
        time: "2026-11-21T06:00:10Z",
        sourceCluster: "east-1",
        targetCluster: "west-1",
        targetSnapshotGroup: "c-t",
        pvcs: [],
      },
    };
    const s = await run(clusters, testClock("2026-11-21T06:03:10Z"), { status });
    expect(s.phase).toBe("Idle");
    expect(s.rpoSeconds).toBe(300);
    expect(s.lagSeconds).toBe(180);
    expect(s.conditions.find((c) => c.type === "WithinRPO")?.status).toBe("True");
    expect(east.calls).toEqual([]);
  });

  it("proposes a failover once the source has been unreachable for 3 RPO intervals, and never swaps by itself", async () => {
    const { east, clusters } = setup();
    east.reachable = false;
    const clock = testClock("2026-11-21T06:00:00Z");
    let s = await run(clusters, clock, { driver: { force: true } });
    expect(s.phase).toBe("Failed");
    expect(s.sourceUnreachableSince).toBe("2026-11-21T06:00:00.000Z");
    expect(s.failoverProposal).toBeUndefined();
    clock.set("2026-11-21T06:14:59Z");
    s = await run(clusters, clock, { status: s, driver: { force: true } });
    expect(s.failoverProposal).toBeUndefined();
    clock.set("2026-11-21T06:15:00Z");
    s = await run(clusters, clock, { status: s, driver: { force: true } });
    expect(s.failoverProposal).toMatchObject({ source: "west-1", target: "east-1" });
    expect(s.role).toEqual({ source: "east-1", target: "west-1" });

    const text =
      '# DR for pg\napiVersion: ferry.dev/v1alpha1\nkind: VolumeReplication\nmetadata: {name: pg-dr, namespace: shop}\nspec:\n  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-1, volumeGroup: pg}\n  pvcMap: {data: data, wal: wal}\n  schedule: "*/5 * * * *"\n';
    const pr = failoverPullRequest({
      status: s,
      name: "pg-dr",
      namespace: "shop",
      file: "environments/prod/pg-dr.yaml",
      text,
    });
    if (!pr.ok || pr.proposal === undefined) throw new Error("no proposal");
    expect(pr.proposal.title).toBe("Fail over shop/pg-dr to west-1");
    expect(pr.proposal.text).toContain("source: {cluster: west-1, volumeGroup: pg}");
    expect(pr.proposal.text.startsWith("# DR for pg\n")).toBe(true);

    east.reachable = true;
    clock.set("2026-11-21T06:16:00Z");
    s = await run(clusters, clock, { status: s, driver: { force: true, remediation: "manual" } });
    expect(s.failoverProposal).toBeUndefined();
    expect(s.sourceUnreachableSince).toBeUndefined();
  });

  it.each([
    ["pull-request", "proposed", "Blocked"],
    ["manual", "proposed", "Blocked"],
  ] as const)(
    "a too-small target under %s is a %s remediation and blocks the cycle",
    async (mode, state, phase) => {
      const { west, clusters } = setup();
      west.put(boundClaim("data", "1Gi"));
      west.put(boundClaim("wal", "1Gi"));
      const s = await run(clusters, testClock("2026-11-21T06:00:00Z"), {
        driver: { force: true, remediation: mode },
      });
      expect(s.phase).toBe(phase);
      expect(s.prechecks?.find((p) => p.verdict === "actionable")?.remediation).toEqual({
        action: "grow-claim",
        cluster: "west-1",
        namespace: "shop",
        claim: "data",
        from: "1Gi",
        to: "2Gi",
        state,
      });
      expect(west.calls).toEqual([]);
    },
  );

  it("under auto, a refused growth is reported as refused and blocks", async () => {
    const { west, clusters } = setup();
    west.put(boundClaim("data", "1Gi"));
    west.put(boundClaim("wal", "1Gi"));
    west.refuseGrowth.add("data");
    const s = await run(clusters, testClock("2026-11-21T06:00:00Z"), {
      driver: { force: true, remediation: "auto" },
    });
    expect(s.phase).toBe("Blocked");
    const check = s.prechecks?.find((p) => p.verdict === "actionable");
    expect(check?.remediation?.state).toBe("refused");
    expect(check?.message).toContain("must support resize");
  });

  it("a missing VolumeGroup blocks with an incompatible check", async () => {
    const { clusters } = setup();
    const s = await replicateGroup({
      replication: replication(),
      groups: new Map(),
      clusters,
      repository: { location: "/repo", secretEnv: {} },
      clock: testClock("2026-11-21T06:00:00Z"),
      options: { force: true },
    });
    expect(s.phase).toBe("Blocked");
    expect(s.prechecks).toEqual([
      {
        verdict: "incompatible",
        reason: "VolumeGroupMissing",
        message: "VolumeGroup shop/pg does not exist",
      },
    ]);
  });

  it("a role swap whose new source is unreachable fails the swap and keeps the recorded roles", async () => {
    const { west, clusters } = setup();
    west.reachable = false;
    const swapped = replication({
      source: { cluster: "west-1", volumeGroup: "pg" },
      target: { cluster: "east-1", volumeGroup: "pg" },
    });
    const s = await run(clusters, testClock("2026-11-21T06:00:00Z"), {
      replication: swapped,
      status: { phase: "Idle", role: { source: "east-1", target: "west-1" }, conditions: [] },
    });
    expect(s.role).toEqual({ source: "east-1", target: "west-1" });
    expect(s.conditions.find((c) => c.type === "RoleSwapped")).toMatchObject({
      status: "False",
      reason: "RoleSwapFailed",
    });
  });
});

describe("failover while the old source is down", () => {
  const deployment = (replicas: number, annotations: Record<string, string> = {}) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "pg", namespace: "shop", annotations },
    spec: { replicas },
  });
  it("brings the new source live, records the swap, and stops the old source's workloads once it answers", async () => {
    const { east, west, clusters } = setup();
    west.put(boundClaim("data", "2Gi"));
    west.put(boundClaim("wal", "1Gi"));
    west.put(deployment(0, { "ferry.dev/replicas": "3" }));
    east.put(deployment(3));
    east.reachable = false;
    const clock = testClock("2026-11-21T07:00:00Z");
    const swapped = replication({
      source: { cluster: "west-1", volumeGroup: "pg" },
      target: { cluster: "east-1", volumeGroup: "pg" },
    });
    const before: VolumeReplicationStatus = {
      phase: "Failed",
      role: { source: "east-1", target: "west-1" },
      conditions: [],
      sourceUnreachableSince: "2026-11-21T06:30:00Z",
      lastConsistent: {
        cycle: "c",
        time: "2026-11-21T06:25:00Z",
        sourceCluster: "east-1",
        targetCluster: "west-1",
        targetSnapshotGroup: "c-t",
        pvcs: [],
      },
    };
    let s = await run(clusters, clock, { replication: swapped, status: before });
    expect(s.role).toEqual({ source: "west-1", target: "east-1" });
    expect(s.pendingStop).toBe("east-1");
    expect(s.conditions.find((c) => c.type === "FinalSync")?.reason).toBe("SourceUnreachable");
    expect(s.conditions.find((c) => c.type === "RoleSwapped")?.status).toBe("True");
    // The new direction's first cycle cannot reach its target (east-1) yet.
    expect(s.conditions.find((c) => c.type === "Connected")?.reason).toBe("TargetUnreachable");
    const live = [...west.objects.values()].find((o) => o.kind === "Deployment");
    expect(live?.["spec"]).toEqual({ replicas: 3 });
    expect(live?.metadata.annotations).toBeUndefined();

    east.reachable = true;
    clock.set("2026-11-21T07:01:00Z");
    s = await run(clusters, clock, { replication: swapped, status: s, driver: { remediation: "manual" } });
    expect(s.pendingStop).toBeUndefined();
    const stopped = [...east.objects.values()].find((o) => o.kind === "Deployment");
    expect(stopped?.["spec"]).toEqual({ replicas: 0 });
    expect(stopped?.metadata.annotations).toEqual({ "ferry.dev/replicas": "3" });
  });
});

describe("a source claim grown outside Ferry", () => {
  it("under auto grows the target live and says so", async () => {
    const { west, clusters } = setup();
    west.put(boundClaim("data", "1Gi"));
    west.put(boundClaim("wal", "1Gi"));
    const s = await run(clusters, testClock("2026-11-21T06:00:00Z"), { driver: { force: true } });
    expect(s.prechecks?.find((p) => p.verdict === "actionable")?.remediation?.state).toBe("applied");
    expect(s.conditions.find((c) => c.type === "Resized")).toMatchObject({
      status: "True",
      reason: "TargetGrown",
    });
    expect(s.conditions.find((c) => c.type === "Configured")?.status).toBe("True");
    expect(west.calls).toContain("patch PersistentVolumeClaim/data");
  });
});

describe("an interrupted Snapshot state", () => {
  it("retakes the whole group under new names, so every member stands for one instant", async () => {
    const { east, west, clusters } = setup();
    west.put(boundClaim("data", "2Gi"));
    west.put(boundClaim("wal", "1Gi"));
    const clock = testClock("2026-11-21T06:00:00Z");
    // The fake never makes snapshots ready: the Snapshot state times out and stays recorded.
    let s = await run(clusters, clock, { driver: { force: true } });
    expect(s.cycle).toMatchObject({ id: "pg-dr-20261121060000", state: "Snapshot", attempt: 1 });
    expect(s.lastCycle).toMatchObject({ result: "Failed", state: "Snapshot" });
    s = await run(clusters, clock, { status: s });
    expect(s.cycle).toMatchObject({ id: "pg-dr-20261121060000", state: "Snapshot", attempt: 2 });
    const snapshots = [...east.objects.values()].filter((o) => o.kind === "VolumeSnapshot");
    expect(snapshots.map((o) => o.metadata.name).sort()).toEqual([
      "pg-dr-20261121060000-s0-2",
      "pg-dr-20261121060000-s1-2",
    ]);
    expect(new Set(snapshots.map((o) => o.metadata.labels?.["ferry.dev/group-snapshot"]))).toEqual(
      new Set(["pg-dr-20261121060000-a2"]),
    );
  });
});

describe("resizeGroup", () => {
  it("grows both sides and clears the pending resize", async () => {
    const { west, east, clusters } = setup();
    west.put(boundClaim("data", "2Gi"));
    west.put(boundClaim("wal", "1Gi"));
    const s = await resizeGroup({
      replication: replication(),
      groups: new Map([["pg", group]]),
      clusters,
      repository: { location: "/repo", secretEnv: {} },
      clock: testClock("2026-11-21T06:00:00Z"),
      sizes: { data: "4Gi" },
    });
    expect(s.resize).toBeUndefined();
    expect(s.conditions.find((c) => c.type === "Resized")).toMatchObject({
      status: "True",
      reason: "BothSidesGrown",
      message: "data: 4Gi",
    });
    expect(east.calls).toEqual(["patch PersistentVolumeClaim/data"]);
    expect(west.calls).toEqual(["patch PersistentVolumeClaim/data"]);
  });

  it("keeps the resize pending (replication paused) when a side refuses", async () => {
    const { west, clusters } = setup();
    west.put(boundClaim("data", "2Gi"));
    west.put(boundClaim("wal", "1Gi"));
    west.refuseGrowth.add("data");
    const s = await resizeGroup({
      replication: replication(),
      groups: new Map([["pg", group]]),
      clusters,
      repository: { location: "/repo", secretEnv: {} },
      clock: testClock("2026-11-21T06:00:00Z"),
      sizes: { data: "4Gi" },
    });
    expect(s.resize).toEqual({ sizes: { data: "4Gi" }, startedAt: "2026-11-21T06:00:00.000Z" });
    expect(s.phase).toBe("Blocked");
    expect(s.conditions.find((c) => c.type === "Resized")?.reason).toBe("ResizeFailed");
  });
});

describe("deleteReplication", () => {
  const snapshot = (name: string, role: string): Parameters<FakeCluster["put"]>[0] => ({
    apiVersion: "snapshot.storage.k8s.io/v1",
    kind: "VolumeSnapshot",
    metadata: {
      name,
      namespace: "shop",
      labels: { "ferry.dev/volume-replication": "pg-dr", "ferry.dev/snapshot-role": role },
    },
  });
  it.each([
    [true, ["t1"], "SnapshotsRetained"],
    [false, [], "SnapshotsDeleted"],
  ])("retainSnapshotsOnDeletion %s", async (retain, left, reason) => {
    const { west, east, clusters } = setup();
    west.put(snapshot("t1", "target"));
    east.put(snapshot("s1", "source"));
    const s = await deleteReplication({
      replication: replication({ retainSnapshotsOnDeletion: retain }),
      clusters,
      clock: testClock("2026-11-21T06:00:00Z"),
    });
    expect(s.phase).toBe("Deleted");
    expect(s.conditions.find((c) => c.type === "Deleted")?.reason).toBe(reason);
    expect(
      [...west.objects.values()].filter((o) => o.kind === "VolumeSnapshot").map((o) => o.metadata.name),
    ).toEqual(left);
    expect([...east.objects.values()].filter((o) => o.kind === "VolumeSnapshot")).toEqual([]);
    expect([...east.objects.values()].filter((o) => o.kind === "PersistentVolumeClaim").length).toBe(2);
  });
});
