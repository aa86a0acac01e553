/**
 * The GitOps loop drives volume replication: a VolumeGroup and VolumeReplication pushed over
 * HTTP are replicated by the controller (target byte-identical, a report on ferry/status);
 * a pushed VolumeGroup capacity grows the claim on both sides;
 * the role swap `ferry failover` proposes, pushed, makes the controller fail over (workloads
 * started on the new source from ferry.dev/replicas) and replicate the other way; removing
 * the manifest stops the replication, keeps the target snapshots and removes the report.
 */
import { randomBytes } from "node:crypto";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/core/logger.js";
import { startController, type RunningController } from "../../src/controller/controller.js";
import type { ReconcileSummary } from "../../src/controller/reconciler.js";
import { swapVolumeReplicationRoles } from "../../src/gitops/failover/swap-roles.js";
import { localPaths } from "../../src/local/paths.js";
import type { VolumeReplicationStatus } from "../../src/volumes/index.js";
import { exampleFiles } from "../helpers/example-repo.js";
import { startGitHttpServer, type GitHttpServer } from "../helpers/git-http-server.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { treeDifferences, treeDigest } from "../helpers/tree-digest.js";
import { pgWorkload } from "../helpers/volume-fixture.js";

const NS = "shop";
const FILE = "environments/prod/pg-dr.yaml";
const REPORT = "status/volumereplication/shop/pg-dr.yaml";
const MANIFEST = `apiVersion: ferry.dev/v1alpha1
kind: VolumeGroup
metadata: {name: pg, namespace: shop}
spec: {pvcs: [data-pg-0]}
---
apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata: {name: pg-dr, namespace: shop}
spec:
  source: {cluster: east-1, volumeGroup: pg}
  target: {cluster: west-1, volumeGroup: pg}
  pvcMap: {data-pg-0: data-pg-0}
  schedule: "0 0 1 1 *"
  retainSnapshotsOnDeletion: true
`;

/** The same pair with the group's capacity raised above the claim's 1Gi. */
const SIZED = MANIFEST.replace(
  "spec: {pvcs: [data-pg-0]}",
  "spec: {pvcs: [data-pg-0], capacity: {data-pg-0: 2Gi}}",
);

interface ReportDoc {
  kind: string;
  spec: { source: { cluster: string } };
  status: VolumeReplicationStatus;
}

describe("the GitOps loop replicates volumes and fails over on a merged role swap", () => {
  let env: MigrationEnv;
  let server: GitHttpServer;
  let controller: RunningController;
  const waiters: { pred: (s: ReconcileSummary) => boolean; resolve: (s: ReconcileSummary) => void }[] = [];
  const onReconcile = (s: ReconcileSummary): void => {
    for (const w of waiters.filter((x) => x.pred(s))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(s);
    }
  };
  /** Pushes files onto main and resolves with the first reconcile of that commit that acted. */
  const push = (files: Record<string, string | null>): Promise<ReconcileSummary> => {
    const commit = server.commitFiles("fleet", files);
    const done = new Promise<ReconcileSummary>((resolve) =>
      waiters.push({ pred: (s) => s.commit === commit && s.actions > 0, resolve }),
    );
    controller.trigger();
    return done;
  };
  const report = (): ReportDoc => parse(server.git("fleet", ["show", `ferry/status:${REPORT}`])) as ReportDoc;
  const volumeDir = async (cluster: string): Promise<string> => {
    const [pvc] = await env.getJson(cluster, ["pvc/data-pg-0", "-n", NS]);
    const volumeName = (pvc?.["spec"] as { volumeName?: string } | undefined)?.volumeName;
    const local = env.local.clusters.get(cluster);
    if (volumeName === undefined || local === undefined)
      throw new Error(`data-pg-0 on ${cluster} is not bound`);
    return localPaths.volume(local.dataDir, volumeName);
  };
  const sameTrees = async (from: string, to: string): Promise<void> => {
    const expected = await treeDigest(await volumeDir(from));
    expect(expected.length).toBeGreaterThan(0);
    expect(treeDifferences(expected, await treeDigest(await volumeDir(to)))).toEqual([]);
  };
  const replicas = async (cluster: string): Promise<number> => {
    const [pg] = await env.getJson(cluster, ["deployment/pg", "-n", NS]);
    return (pg?.["spec"] as { replicas: number }).replicas;
  };

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", "west-1"]);
    for (const cluster of ["east-1", "west-1"]) await env.kubectl(cluster, ["create", "namespace", NS]);
    await env.kubectl(
      "east-1",
      ["apply", "-f", "-"],
      `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data-pg-0, namespace: shop}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n---\n${pgWorkload(1)}`,
    );
    await env.kubectl("west-1", ["apply", "-f", "-"], pgWorkload(0, 1));
    await env.kubectl("east-1", ["wait", "-n", NS, "--for=jsonpath={.status.phase}=Bound", "pvc/data-pg-0"]);
    const data = await volumeDir("east-1");
    await mkdir(join(data, "base"));
    for (let i = 0; i < 8; i++) await writeFile(join(data, "base", `t${i}.bin`), randomBytes(64 * 1024));
    await symlink("base/t0.bin", join(data, "current"));
    await mkdir(join(data, "empty"));

    const example = await exampleFiles();
    server = await startGitHttpServer();
    server.createRepo(
      "fleet",
      Object.fromEntries(
        Object.entries(example).filter(
          ([path]) => path === "clusters/prod.yaml" || path === "clusters/repository.yaml",
        ),
      ),
    );
    const first = new Promise<void>((resolve) =>
      waiters.push({ pred: () => true, resolve: () => resolve() }),
    );
    controller = await startController({
      repo: `${server.url}/fleet.git`,
      branch: "main",
      cacheDir: join(env.dir, "cache"),
      env: { FERRY_FROM_SOURCE: "1" },
      clock: systemClock,
      logger: silentLogger,
      baseDir: env.dir,
      localKubeconfig: env.local.kubeconfigPath,
      volumeOptions: { pollMs: 50 },
      intervalMs: 60_000,
      onReconcile,
    });
    await first;
  }, 120_000);

  afterAll(async () => {
    await controller?.stop();
    await server?.stop();
    await env?.close();
  });

  it("replicates a pushed VolumeReplication: target byte-identical, the report on ferry/status", async () => {
    const summary = await push({ [FILE]: MANIFEST });
    const outcome = summary.outcomes.find((o) => o.path === REPORT);
    expect(outcome, JSON.stringify(summary.outcomes)).toMatchObject({
      action: "replicate-volumes",
      phase: "Idle",
    });
    expect(summary.statusCommit).toBeDefined();
    const doc = report();
    expect(doc.kind).toBe("VolumeReplication");
    expect(doc.status.lastCycle?.result, JSON.stringify(doc.status, null, 1)).toBe("Succeeded");
    expect(doc.status.role).toEqual({ source: "east-1", target: "west-1" });
    expect(doc.status.lastConsistent?.sourceCluster).toBe("east-1");
    await sameTrees("east-1", "west-1");
    // The cycle's states were committed as they were reached (checkpoints), before its end.
    expect(server.git("fleet", ["log", "--format=%s", "ferry/status"])).toContain(
      "ferry status: 1 report updated (Replicating 1)",
    );

    // The next reconcile finds no cycle due (RPO): only the lag grew, so no status commit.
    const again = new Promise<ReconcileSummary>((resolve) =>
      waiters.push({ pred: (s) => s.commit === summary.commit, resolve }),
    );
    controller.trigger();
    const idle = await again;
    expect(idle.outcomes.find((o) => o.path === REPORT)).toMatchObject({ phase: "Idle" });
    expect(idle.statusCommit).toBeUndefined();
    expect(report().status.lastCycle?.id).toBe(doc.status.lastCycle?.id);
  }, 120_000);

  it("a pushed VolumeGroup capacity grows the claim on both sides as one resize", async () => {
    const summary = await push({ [FILE]: SIZED });
    expect(summary.outcomes.find((o) => o.path === REPORT)?.error).toBeUndefined();
    for (const cluster of ["east-1", "west-1"]) {
      const [pvc] = await env.getJson(cluster, ["pvc/data-pg-0", "-n", NS]);
      const spec = pvc?.["spec"] as { resources: { requests: { storage: string } } };
      const status = pvc?.["status"] as { capacity?: { storage?: string } };
      expect({
        cluster,
        request: spec.resources.requests.storage,
        capacity: status.capacity?.storage,
      }).toEqual({
        cluster,
        request: "2Gi",
        capacity: "2Gi",
      });
    }
    const doc = report();
    expect(doc.status.resize).toBeUndefined();
    expect(doc.status.capacity).toEqual({ "data-pg-0": "2Gi" });
    expect(doc.status.conditions.find((c) => c.type === "Resized")).toMatchObject({
      status: "True",
      reason: "BothSidesGrown",
    });
    expect(doc.status.conditions.find((c) => c.type === "Capacity")?.reason).toBe("AtDesiredCapacity");
    // The pending resize was committed before the claims grew (a restarted controller resumes it).
    const resizing = server.git("fleet", ["log", "-1", "--format=%H", "--grep=(Resizing 1)", "ferry/status"]);
    expect(resizing).not.toBe("");
    const pending = parse(server.git("fleet", ["show", `${resizing}:${REPORT}`])) as ReportDoc;
    expect(pending.status.resize).toMatchObject({ sizes: { "data-pg-0": "2Gi" }, requestedBy: "capacity" });
    expect(doc.status.lastCycle?.result, JSON.stringify(doc.status, null, 1)).toBe("Succeeded");
  }, 120_000);

  it("a pushed role swap fails over: workloads start on west-1 and data flows west-1 → east-1", async () => {
    const data = await volumeDir("east-1");
    // Written before the swap: the final sync of the old direction carries it over.
    await writeFile(join(data, "last-order-on-east.txt"), "order 1000\n");
    const swapped = swapVolumeReplicationRoles({ text: SIZED, file: FILE, name: "pg-dr", namespace: NS });
    if (!swapped.ok) throw new Error(swapped.error.message);
    const summary = await push({ [FILE]: swapped.value.text });
    expect(summary.outcomes.find((o) => o.path === REPORT)?.error).toBeUndefined();
    const doc = report();
    expect(doc.status.role).toEqual({ source: "west-1", target: "east-1" });
    expect(doc.status.conditions.find((c) => c.type === "RoleSwapped")?.status).toBe("True");
    expect(doc.status.lastCycle?.result, JSON.stringify(doc.status, null, 1)).toBe("Succeeded");
    expect(doc.status.lastConsistent?.sourceCluster).toBe("west-1");
    expect(await replicas("west-1")).toBe(1);
    expect(await replicas("east-1")).toBe(0);
    await sameTrees("west-1", "east-1");
    await expect(treeDigest(await volumeDir("west-1"))).resolves.toContainEqual(
      expect.objectContaining({ path: "last-order-on-east.txt" }),
    );
  }, 120_000);

  it("a removed VolumeReplication is stopped, its target snapshots kept and its report removed", async () => {
    const summary = await push({ [FILE]: null });
    expect(summary.outcomes.find((o) => o.path === REPORT)).toMatchObject({
      action: "delete-replication",
      phase: "Deleted",
    });
    expect(() => server.git("fleet", ["show", `ferry/status:${REPORT}`])).toThrow();
    // retainSnapshotsOnDeletion: the new target's consistent snapshots stay.
    expect((await env.getJson("east-1", ["volumesnapshots", "-n", NS])).length).toBeGreaterThan(0);
  }, 60_000);
});
