/**
 * Volume replication end to end on two local clusters, with real Jobs running the real
 * mover: a consistency group of two claims replicated east-1 → west-1, an incremental cycle
 * after a 1% change, a mover killed mid-transfer, failover and failback by swapping roles,
 * and a resize. The test writes into the source volumes' directories (found through the PV's
 * hostPath) to make data; the product only reaches the clusters through their API.
 */
import { randomBytes } from "node:crypto";
import { link, mkdir, open, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClusterClient } from "../../src/cluster/port.js";
import { systemClock } from "../../src/core/clock.js";
import { swapVolumeReplicationRoles } from "../../src/gitops/failover/swap-roles.js";
import { localPaths } from "../../src/local/paths.js";
import type { VolumeGroup, VolumeReplication } from "../../src/manifests/types.js";
import {
  moverRepositoryAccess,
  replicateGroup,
  resizeGroup,
  type ReplicationEvent,
  type VolumeReplicationStatus,
} from "../../src/volumes/index.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { treeDifferences, treeDigest } from "../helpers/tree-digest.js";
import { pgWorkload, shopClaim } from "../helpers/volume-fixture.js";

const NS = "shop";
const KEY_ENV = "FERRY_E2E_REPOSITORY_KEY";
const MANIFEST = `apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata: {name: pg-dr, namespace: shop}
spec:
  source: {cluster: east-1, volumeGroup: pg}
  target: {cluster: west-1, volumeGroup: pg}
  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}
  schedule: "*/5 * * * *"
  retainSnapshotsOnDeletion: true
`;
const GROUP: VolumeGroup = {
  apiVersion: "ferry.dev/v1alpha1",
  kind: "VolumeGroup",
  metadata: { name: "pg", namespace: NS },
  spec: { pvcs: ["data-pg-0", "wal-pg-0"] },
};
const KiB = 1024;
const MiB = 1024 * KiB;

describe("volume replication of a consistency group between local clusters", () => {
  let env: MigrationEnv;
  let repoDir: string;
  let status: VolumeReplicationStatus | undefined;
  let replication = parse(MANIFEST) as VolumeReplication;
  const events: ReplicationEvent[] = [];

  const clients = (): Map<string, ClusterClient> => env.clients;
  const volumeDir = async (cluster: string, claim: string): Promise<string> => {
    const client = env.clients.get(cluster);
    const pvc = await client?.get({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      namespace: NS,
      name: claim,
    });
    const volumeName = (pvc?.["spec"] as { volumeName?: string } | undefined)?.volumeName;
    const local = env.local.clusters.get(cluster);
    if (volumeName === undefined || local === undefined)
      throw new Error(`claim ${claim} on ${cluster} is not bound`);
    return localPaths.volume(local.dataDir, volumeName);
  };
  const run = async (
    options: { force?: boolean; signal?: AbortSignal } = {},
  ): Promise<VolumeReplicationStatus> => {
    status = await replicateGroup({
      replication,
      groups: new Map([["pg", GROUP]]),
      clusters: clients(),
      repository: moverRepositoryAccess(
        { filesystem: { path: repoDir }, encryption: { keyEnv: KEY_ENV } },
        { env: { [KEY_ENV]: "correct horse battery staple" }, baseDir: env.dir },
      ),
      clock: systemClock,
      ...(status === undefined ? {} : { status }),
      onEvent: (e) => events.push(e),
      options: {
        force: options.force ?? true,
        packSizeMiB: 1,
        pollMs: 50,
      },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return status;
  };
  const sameTrees = async (fromCluster: string, toCluster: string): Promise<void> => {
    for (const claim of GROUP.spec.pvcs) {
      const expected = await treeDigest(await volumeDir(fromCluster, claim));
      expect(expected.length).toBeGreaterThan(0);
      expect(treeDifferences(expected, await treeDigest(await volumeDir(toCluster, claim))), claim).toEqual(
        [],
      );
    }
  };
  const packBytes = async (): Promise<number> => {
    let total = 0;
    const packs = join(repoDir, "packs");
    for (const dir of await readdir(packs).catch(() => [])) {
      for (const file of await readdir(join(packs, dir))) total += (await stat(join(packs, dir, file))).size;
    }
    return total;
  };

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", "west-1"]);
    repoDir = join(env.dir, "repo");
    for (const cluster of ["east-1", "west-1"]) await env.kubectl(cluster, ["create", "namespace", NS]);
    await env.kubectl(
      "east-1",
      ["apply", "-f", "-"],
      shopClaim("data-pg-0") + shopClaim("wal-pg-0") + pgWorkload(2),
    );
    await env.kubectl("west-1", ["apply", "-f", "-"], pgWorkload(0, 2));
    await env.kubectl("east-1", [
      "wait",
      "-n",
      NS,
      "--for=jsonpath={.status.phase}=Bound",
      "pvc/data-pg-0",
      "pvc/wal-pg-0",
    ]);

    // data-pg-0: 4 directories of 24 files of 256 KiB (24 MiB), a sparse file, symlinks,
    // hard links, empty directories; wal-pg-0: a few files.
    const data = await volumeDir("east-1", "data-pg-0");
    for (let d = 0; d < 4; d++) {
      await mkdir(join(data, `d${d}`));
      for (let f = 0; f < 24; f++) await writeFile(join(data, `d${d}`, `f${f}.bin`), randomBytes(256 * KiB));
    }
    const sparse = await open(join(data, "sparse.img"), "w");
    await sparse.write(randomBytes(64 * KiB), 0, 64 * KiB, 4 * MiB);
    await sparse.truncate(16 * MiB);
    await sparse.close();
    await symlink("d0/f0.bin", join(data, "link-to-f0"));
    await symlink("does/not/exist", join(data, "dangling"));
    await link(join(data, "d1", "f1.bin"), join(data, "hardlink-f1.bin"));
    await mkdir(join(data, "empty", "nested-empty"), { recursive: true });
    const wal = await volumeDir("east-1", "wal-pg-0");
    await writeFile(join(wal, "000000010000000000000001"), randomBytes(512 * KiB));
    await writeFile(join(wal, "archive_status"), "ready\n", { mode: 0o600 });
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it("replicates the group: target claims created, byte-identical, a consistent target snapshot", async () => {
    const s = await run();
    expect(s.phase, JSON.stringify(s, null, 1)).toBe("Idle");
    expect(s.lastCycle?.result).toBe("Succeeded");
    expect(s.lastConsistent?.pvcs.map((p) => p.targetPvc).sort()).toEqual(["data-pg-0", "wal-pg-0"]);
    expect(s.role).toEqual({ source: "east-1", target: "west-1" });
    expect(s.cycle).toBeUndefined();
    await sameTrees("east-1", "west-1");
    const sparse = await stat(join(await volumeDir("west-1", "data-pg-0"), "sparse.img"));
    expect(sparse.blocks * 512).toBeLessThan(sparse.size / 2);
    // The states ran in order; the target snapshot group exists; the source's temporary objects are gone.
    const states = events.flatMap((e) => (e.type === "State" ? [e.state] : []));
    expect(states).toEqual([
      "ConfigurationReconciliation",
      "Snapshot",
      "Transfer",
      "TargetCommit",
      "Cleanup",
    ]);
    const targetSnapshots = await env.getJson("west-1", ["volumesnapshots", "-n", NS]);
    expect(targetSnapshots.map((o) => o.metadata.labels?.["ferry.dev/group-snapshot"])).toEqual([
      s.lastConsistent?.targetSnapshotGroup,
      s.lastConsistent?.targetSnapshotGroup,
    ]);
    expect(await env.getJson("east-1", ["volumesnapshots", "-n", NS])).toEqual([]);
    expect(await env.getJson("east-1", ["jobs", "-n", NS])).toEqual([]);
    expect((await env.getJson("east-1", ["pvc", "-n", NS])).map((o) => o.metadata.name).sort()).toEqual([
      "data-pg-0",
      "wal-pg-0",
    ]);
  });

  it("sends only the changed chunks after a 1% change", async () => {
    const data = await volumeDir("east-1", "data-pg-0");
    await writeFile(join(data, "d2", "f7.bin"), randomBytes(256 * KiB));
    const s = await run();
    expect(s.lastCycle?.result, JSON.stringify(s.lastCycle)).toBe("Succeeded");
    const changed = 256 * KiB;
    const sent = s.lastCycle?.bytesSent ?? 0;
    expect(sent).toBeGreaterThanOrEqual(changed);
    expect(sent).toBeLessThanOrEqual(1.2 * changed);
    await sameTrees("east-1", "west-1");
  });

  it("resumes a cycle whose mover was killed mid-transfer; the previous target copy stays intact", async () => {
    const data = await volumeDir("east-1", "data-pg-0");
    const before = await treeDigest(await volumeDir("west-1", "data-pg-0"));
    const consistent = status?.lastConsistent;
    const big = 48 * MiB;
    await writeFile(join(data, "big.bin"), randomBytes(big));
    const packsBefore = await packBytes();
    const east = env.clients.get("east-1");
    // Delete the backup Job once its first packs are in the repository.
    const killer = (async () => {
      for (;;) {
        if ((await packBytes()) > packsBefore + 2 * MiB) {
          const jobs = await env.getJson("east-1", ["jobs", "-n", NS, "-l", "ferry.dev/mover=backup"]);
          for (const job of jobs) {
            await east?.delete(
              { apiVersion: "batch/v1", kind: "Job", namespace: NS, name: job.metadata.name },
              { propagationPolicy: "Background" },
            );
          }
          return jobs.length;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const interrupted = await run();
    expect(await killer).toBe(1);
    expect(interrupted.phase).toBe("Failed");
    expect(interrupted.lastCycle).toMatchObject({ result: "Failed", state: "Transfer" });
    expect(interrupted.cycle?.state).toBe("Transfer");
    expect(interrupted.lastConsistent).toEqual(consistent);
    expect(treeDifferences(before, await treeDigest(await volumeDir("west-1", "data-pg-0")), 0)).toEqual([]);
    const sentBeforeKill = (await packBytes()) - packsBefore;
    expect(sentBeforeKill).toBeLessThan(big);

    // The driver followed the killed Job's progress from its pod's log.
    expect(events.some((e) => e.type === "Progress" && e.task === "backup" && e.bytesDone > 0)).toBe(true);
    const resumed = await run();
    expect(resumed.lastCycle?.result, JSON.stringify(resumed.lastCycle)).toBe("Succeeded");
    expect(resumed.lastCycle?.id).toBe(interrupted.cycle?.id);
    const sentOnResume = resumed.lastCycle?.bytesSent ?? 0;
    expect(sentOnResume).toBeLessThan(big - sentBeforeKill / 2);
    expect(sentOnResume + sentBeforeKill).toBeLessThanOrEqual(1.2 * big);
    await sameTrees("east-1", "west-1");
  }, 120_000);

  it("fails over to west-1, replicates back, and fails back with every write on east-1", async () => {
    const swapped = swapVolumeReplicationRoles({ text: MANIFEST, file: "pg-dr.yaml", name: "pg-dr" });
    if (!swapped.ok) throw new Error(swapped.error.message);
    replication = parse(swapped.value.text) as VolumeReplication;
    let s = await run();
    expect(s.role).toEqual({ source: "west-1", target: "east-1" });
    expect(s.conditions.find((c) => c.type === "RoleSwapped")?.status).toBe("True");
    expect(s.lastCycle?.result, JSON.stringify(s, null, 1)).toBe("Succeeded");
    expect(s.lastConsistent?.sourceCluster).toBe("west-1");
    const [westPg] = await env.getJson("west-1", ["deployment/pg", "-n", NS]);
    const [eastPg] = await env.getJson("east-1", ["deployment/pg", "-n", NS]);
    expect((westPg?.["spec"] as { replicas: number }).replicas).toBe(2);
    expect((eastPg?.["spec"] as { replicas: number }).replicas).toBe(0);
    expect(eastPg?.metadata.annotations?.["ferry.dev/replicas"]).toBe("2");

    // Writes on the new source, replicated west → east by a cycle and by the final sync of the failback.
    const westData = await volumeDir("west-1", "data-pg-0");
    await writeFile(join(westData, "written-on-west-1.txt"), "order 1001\n");
    s = await run();
    expect(s.lastCycle?.result).toBe("Succeeded");
    await writeFile(join(westData, "written-on-west-2.txt"), "order 1002\n");
    await writeFile(
      join(await volumeDir("west-1", "wal-pg-0"), "000000010000000000000002"),
      randomBytes(64 * KiB),
    );

    replication = parse(MANIFEST) as VolumeReplication;
    s = await run();
    expect(s.role).toEqual({ source: "east-1", target: "west-1" });
    expect(s.lastCycle?.result).toBe("Succeeded");
    const eastData = await volumeDir("east-1", "data-pg-0");
    await expect(stat(join(eastData, "written-on-west-1.txt"))).resolves.toBeDefined();
    await expect(stat(join(eastData, "written-on-west-2.txt"))).resolves.toBeDefined();
    await sameTrees("west-1", "east-1");
    const [eastAfter] = await env.getJson("east-1", ["deployment/pg", "-n", NS]);
    expect((eastAfter?.["spec"] as { replicas: number }).replicas).toBe(2);
  }, 180_000);

  it("grows both sides of a claim as one operation and keeps replicating", async () => {
    status = await resizeGroup({
      replication,
      groups: new Map([["pg", GROUP]]),
      clusters: clients(),
      repository: moverRepositoryAccess({ filesystem: { path: repoDir } }, { env: {}, baseDir: env.dir }),
      clock: systemClock,
      ...(status === undefined ? {} : { status }),
      sizes: { "data-pg-0": "2Gi" },
    });
    expect(status.conditions.find((c) => c.type === "Resized")).toMatchObject({
      status: "True",
      reason: "BothSidesGrown",
    });
    expect(status.resize).toBeUndefined();
    for (const cluster of ["east-1", "west-1"]) {
      const [pvc] = await env.getJson(cluster, ["pvc/data-pg-0", "-n", NS]);
      expect((pvc?.["status"] as { capacity: { storage: string } }).capacity.storage).toBe("2Gi");
    }
    await writeFile(join(await volumeDir("east-1", "data-pg-0"), "after-resize.txt"), "bigger\n");
    const s = await run();
    expect(s.lastCycle?.result).toBe("Succeeded");
    await sameTrees("east-1", "west-1");
  }, 120_000);
});
