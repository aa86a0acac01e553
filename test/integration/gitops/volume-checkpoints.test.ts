/**
 * A controller stopped in the middle of a replication cycle keeps what it had reached: the
 * reconciler commits the VolumeReplication's status to ferry/status at each state transition
 * (not only at the end), so a reconcile aborted while the group is being snapshotted leaves a
 * report with the unfinished cycle, and a controller started afresh resumes that cycle
 * (same id, next attempt). Real Git (a repository on disk, isomorphic-git, the real status
 * writer and record store); the clusters are hand-written fakes of Ferry's ClusterClient port
 * whose snapshot reads hang like a stuck API request until the reconcile is aborted.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FerryError } from "../../../src/core/errors.js";
import { silentLogger } from "../../../src/core/logger.js";
import type { KubeObject, ObjectRef } from "../../../src/engine/kube-object.js";
import { createReconciler, type Reconciler } from "../../../src/controller/reconciler.js";
import { repositoryOpener } from "../../../src/controller/repositories.js";
import { statusRecordStore } from "../../../src/controller/status-records.js";
import { volumeWiring } from "../../../src/controller/volumes.js";
import { openGitRemote } from "../../../src/gitops/git/open-remote.js";
import { createGitSource } from "../../../src/gitops/git/source.js";
import { gitStatusSink, type StatusSink } from "../../../src/gitops/git/status-writer.js";
import type { VolumeReplicationStatus } from "../../../src/volumes/types.js";
import { runGit } from "../../helpers/git-http-server.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { FakeCluster, boundClaim } from "../../unit/volumes/fake-cluster.js";

const REPORT = "status/volumereplication/shop/pg-dr.yaml";
const FLEET = `apiVersion: ferry.dev/v1alpha1
kind: Fleet
metadata: {name: prod}
spec: {clusters: [east-1, west-1]}
---
apiVersion: ferry.dev/v1alpha1
kind: Cluster
metadata: {name: east-1}
spec: {fleet: prod, connection: {local: {name: east-1}}}
---
apiVersion: ferry.dev/v1alpha1
kind: Cluster
metadata: {name: west-1}
spec: {fleet: prod, connection: {local: {name: west-1}}}
`;
const PAIR = `apiVersion: ferry.dev/v1alpha1
kind: VolumeGroup
metadata: {name: pg, namespace: shop}
spec: {pvcs: [data, wal]}
---
apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata: {name: pg-dr, namespace: shop}
spec:
  source: {cluster: east-1, volumeGroup: pg}
  target: {cluster: west-1, volumeGroup: pg}
  pvcMap: {data: data, wal: wal}
  schedule: "0 0 1 1 *"
`;

/** A fake cluster whose reads of existing VolumeSnapshots hang until `hang` aborts. */
class HangingCluster extends FakeCluster {
  hang: AbortSignal | undefined;
  onHang: (() => void) | undefined;
  override async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const found = await super.get(ref);
    const hang = this.hang;
    if (ref.kind === "VolumeSnapshot" && found !== undefined && hang !== undefined) {
      this.onHang?.();
      await new Promise((_, reject) => {
        const cut = (): void => reject(new FerryError("Aborted", "request cut off"));
        if (hang.aborted) cut();
        else hang.addEventListener("abort", cut, { once: true });
      });
    }
    return found;
  }
}

interface ReportDoc {
  status: VolumeReplicationStatus;
}

describe("a reconcile aborted mid-cycle", () => {
  let dir: string;
  const clock = new ManualClock("2026-11-21T06:00:00Z");
  const east = new HangingCluster("east-1");
  const west = new HangingCluster("west-1");
  const fleet = (): string => join(dir, "fleet");
  const branchReport = (): ReportDoc =>
    parse(runGit(fleet(), ["show", `ferry/status:${REPORT}`])) as ReportDoc;

  /**
   * A controller as `ferry run` builds it (a fresh process: nothing in memory), whose status
   * sink calls `onWrite` after each status commit with the report it carried.
   */
  const controller = async (onWrite: (report: ReportDoc | undefined) => void): Promise<Reconciler> => {
    const remote = await openGitRemote({
      repo: fleet(),
      cacheDir: join(dir, `cache-${Date.now()}`),
      env: {},
    });
    const sink = gitStatusSink({ remote, clock }, { branch: "ferry/status" });
    const observed: StatusSink = {
      write: async (files, signal) => {
        const written = await sink.write(files, signal);
        const text = files.get(REPORT);
        onWrite(typeof text === "string" ? (parse(text) as ReportDoc) : undefined);
        return written;
      },
    };
    return createReconciler({
      source: createGitSource({ remote, branch: "main" }),
      records: statusRecordStore(remote, "ferry/status"),
      status: observed,
      connect: () =>
        new Map([
          ["east-1", east],
          ["west-1", west],
        ]),
      repositories: repositoryOpener({ env: {}, baseDir: dir, clock }),
      clock,
      logger: silentLogger,
      volumes: volumeWiring({ env: {}, baseDir: dir, clock }),
    });
  };
  const head = (): string => runGit(fleet(), ["rev-parse", "main"]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-checkpoints-"));
    await mkdir(join(fleet(), "clusters"), { recursive: true });
    await mkdir(join(fleet(), "environments", "prod"), { recursive: true });
    await writeFile(join(fleet(), "clusters", "prod.yaml"), FLEET);
    await writeFile(join(fleet(), "environments", "prod", "pg-dr.yaml"), PAIR);
    runGit(fleet(), ["init", "-q", "-b", "main"]);
    runGit(fleet(), ["add", "."]);
    runGit(fleet(), ["commit", "-q", "-m", "fleet"]);
    for (const side of [east, west]) {
      side.put(boundClaim("data", "2Gi"));
      side.put(boundClaim("wal", "1Gi"));
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves the unfinished cycle on ferry/status, and a restarted controller resumes it", async () => {
    // First controller: aborted (stopped, or its leadership lost) once the Snapshot state is committed.
    const first = new AbortController();
    east.hang = first.signal;
    // Without a checkpoint nothing would ever abort it: give up 10 s after the driver got stuck.
    east.onHang = () => setTimeout(() => first.abort(), 10_000).unref();
    const reconciler = await controller((report) => {
      if (report?.status.cycle?.state === "Snapshot") first.abort();
    });
    await expect(reconciler.reconcile(head(), first.signal)).rejects.toThrow(/abort/i);
    const left = branchReport().status;
    // Replicating, not the Failed an end-of-reconcile write would say: a checkpoint, taken mid-cycle.
    expect(left.phase).toBe("Replicating");
    expect(left.cycle).toMatchObject({ id: "pg-dr-20261121060000", state: "Snapshot", attempt: 1 });

    // A minute later a new controller reads the branch and resumes the same cycle.
    clock.advance(60_000);
    const second = new AbortController();
    east.hang = second.signal;
    east.onHang = () => setTimeout(() => second.abort(), 10_000).unref();
    const restarted = await controller((report) => {
      if ((report?.status.cycle?.attempt ?? 0) >= 2) second.abort();
    });
    await expect(restarted.reconcile(head(), second.signal)).rejects.toThrow(/abort/i);
    const resumed = branchReport().status;
    expect(resumed.cycle).toMatchObject({ id: "pg-dr-20261121060000", state: "Snapshot", attempt: 2 });
    // The interrupted group snapshot is taken again, whole, under the new attempt's names.
    const snapshots = [...east.objects.values()].filter((o) => o.kind === "VolumeSnapshot");
    expect(snapshots.map((o) => o.metadata.name).sort()).toEqual([
      "pg-dr-20261121060000-s0-2",
      "pg-dr-20261121060000-s1-2",
    ]);
  });
});
