import { describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { silentLogger } from "../../../src/core/logger.js";
import type { CheckpointPort } from "../../../src/gitops/executor/checkpoints.js";
import { executePlan } from "../../../src/gitops/executor/execute.js";
import { planReconcile } from "../../../src/gitops/reconcile/plan.js";
import { parseReport, type Report } from "../../../src/gitops/reconcile/report.js";
import { loadDesiredState } from "../../../src/manifests/load.js";
import { memoryTree } from "../../../src/manifests/tree-memory.js";
import type { VolumeReplicationStatus } from "../../../src/volumes/types.js";
import { FakeCluster, boundClaim } from "../volumes/fake-cluster.js";

const REPORT = "status/volumereplication/shop/pg-dr.yaml";
const FILES = {
  "environments/prod/pg-dr.yaml": `apiVersion: ferry.dev/v1alpha1
kind: VolumeGroup
metadata: {name: pg, namespace: shop}
spec: {pvcs: [data]}
---
apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata: {name: pg-dr, namespace: shop}
spec:
  source: {cluster: east-1, volumeGroup: pg}
  target: {cluster: west-1, volumeGroup: pg}
  pvcMap: {data: data}
  schedule: "*/5 * * * *"
`,
  "clusters/prod.yaml": [
    "apiVersion: ferry.dev/v1alpha1\nkind: Fleet\nmetadata: {name: prod}\nspec: {clusters: [east-1, west-1]}\n",
    ...["east-1", "west-1"].map(
      (n) =>
        `apiVersion: ferry.dev/v1alpha1\nkind: Cluster\nmetadata: {name: ${n}}\nspec: {fleet: prod, connection: {local: {name: ${n}}}}\n`,
    ),
  ].join("---\n"),
};

/** A hand-written CheckpointPort: keeps every write, finishing each after a turn of the event loop. */
class RecordingPort implements CheckpointPort {
  readonly writes: ReadonlyMap<string, string | null>[] = [];
  inFlight = 0;
  async save(files: ReadonlyMap<string, string | null>): Promise<void> {
    this.inFlight += 1;
    await new Promise((r) => setImmediate(r));
    this.writes.push(files);
    this.inFlight -= 1;
  }
  statuses(): VolumeReplicationStatus[] {
    return this.writes.flatMap((w) => {
      const text = w.get(REPORT);
      const report = typeof text === "string" ? parseReport(text) : undefined;
      return report?.kind === "VolumeReplication" ? [report.status] : [];
    });
  }
}

/** Simulated time: a sleep ends on the next turn of the event loop, the clock moved on. */
function testClock(start: string): Clock {
  let now = new Date(start);
  return {
    now: () => now,
    sleep: (ms) =>
      new Promise((resolve) =>
        setImmediate(() => {
          now = new Date(now.getTime() + ms);
          resolve();
        }),
      ),
  };
}

async function reconcile(records: Map<string, Report>, now: string, port: RecordingPort) {
  const load = await loadDesiredState(memoryTree(FILES));
  expect(load.problems).toEqual([]);
  const plan = planReconcile({ commit: "c1", load, records, live: new Map(), now: new Date(now) });
  const east = new FakeCluster("east-1");
  const west = new FakeCluster("west-1");
  east.put(boundClaim("data", "1Gi"));
  west.put(boundClaim("data", "1Gi"));
  const result = await executePlan(plan, records, {
    clusters: new Map([
      ["east-1", east],
      ["west-1", west],
    ]),
    repositoryFor: () => Promise.reject(new Error("no migrations here")),
    clock: testClock(now),
    logger: silentLogger,
    tree: memoryTree(FILES),
    branch: "main",
    volumes: { accessFor: () => ({ location: "/repo", secretEnv: {} }) },
    checkpoints: port,
  });
  return { result, inFlightAtReturn: port.inFlight };
}

describe("the executor's checkpoints of a VolumeReplication", () => {
  it("persists each state transition of a cycle, and has finished writing when the plan returns", async () => {
    const port = new RecordingPort();
    const { result, inFlightAtReturn } = await reconcile(new Map(), "2026-11-21T06:00:00Z", port);
    expect(inFlightAtReturn).toBe(0);
    const statuses = port.statuses();
    // The fake never makes snapshots ready: the cycle is recorded in Snapshot, then times out.
    expect(statuses.some((s) => s.cycle?.state === "Snapshot" && s.phase === "Replicating")).toBe(true);
    expect(statuses.at(-1)?.lastCycle).toMatchObject({ result: "Failed", state: "Snapshot" });
    // The end-of-reconcile report has what checkpoints leave out (conditions), and the rest.
    const final = parseReport(result.files.get(REPORT) as string);
    if (final?.kind !== "VolumeReplication") throw new Error("no VolumeReplication report");
    expect(final.status.cycle?.state).toBe("Snapshot");
    expect(final.status.conditions.find((c) => c.type === "Replicating")?.reason).toBe("CycleFailed");
  });

  it("writes nothing while only the lag grows (no cycle due)", async () => {
    const first = new RecordingPort();
    const done = await reconcile(new Map(), "2026-11-21T06:00:00Z", first);
    const report = parseReport(done.result.files.get(REPORT) as string);
    if (report?.kind !== "VolumeReplication") throw new Error("no VolumeReplication report");
    // As if that cycle had completed: nothing unfinished, a consistent copy from 06:00.
    const { cycle: _unfinished, ...rest } = report.status;
    const settled: Report = {
      ...report,
      status: {
        ...rest,
        phase: "Idle",
        lastConsistent: {
          cycle: "c",
          time: "2026-11-21T06:00:00Z",
          sourceCluster: "east-1",
          targetCluster: "west-1",
          targetSnapshotGroup: "c-t",
          pvcs: [],
        },
      },
    };
    const idle = new RecordingPort();
    // The last cycle started at 06:00 and the schedule is every five minutes: at 06:01 none is due.
    await reconcile(new Map([[REPORT, settled]]), "2026-11-21T06:01:00Z", idle);
    expect(idle.writes).toEqual([]);
  });
});
