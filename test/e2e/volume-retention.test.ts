/**
 * Repository retention of a VolumeReplication on two local clusters, with real mover Jobs:
 * `retention: {keepLast: 2}` leaves exactly the two newest snapshots of each claim after
 * several cycles, the newest restores byte for byte, and snapshots of another replication of
 * the same claims and of a migration are never touched — three of each, more than keepLast, so
 * a forget that did not filter by its replication would have cut them to two. A forget that fails (an unreadable
 * snapshot in the repository) is a warning condition, not a failed cycle.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import type { VolumeGroup, VolumeReplication } from "../../src/manifests/types.js";
import {
  moverRepositoryAccess,
  replicateGroup,
  type VolumeReplicationStatus,
} from "../../src/volumes/index.js";
import { runFerry } from "../helpers/ferry-cli.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { treeDifferences, treeDigest } from "../helpers/tree-digest.js";
import { shopClaim } from "../helpers/volume-fixture.js";

const NS = "shop";
const KEY_ENV = "FERRY_E2E_REPOSITORY_KEY";
const KEY = "retention test key";
const manifest = (name: string, targetGroup: string, pvcMap: string, retention: string): VolumeReplication =>
  parse(`apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata: {name: ${name}, namespace: shop}
spec:
  source: {cluster: east-1, volumeGroup: pg}
  target: {cluster: west-1, volumeGroup: ${targetGroup}}
  pvcMap: ${pvcMap}
  schedule: "0 * * * *"
${retention}`) as VolumeReplication;
// Two replications of the same claims: their snapshots carry the same `pvc` tags.
const DR = manifest("pg-dr", "pg", "{data-0: data-0, wal-0: wal-0}", "  retention: {keepLast: 2}\n");
const COPY = manifest("pg-copy", "pg-copy", "{data-0: data-0-copy, wal-0: wal-0-copy}", "");
const group = (name: string, pvcs: string[]): VolumeGroup => ({
  apiVersion: "ferry.dev/v1alpha1",
  kind: "VolumeGroup",
  metadata: { name, namespace: NS },
  spec: { pvcs },
});
const GROUPS = new Map([
  ["pg", group("pg", ["data-0", "wal-0"])],
  ["pg-copy", group("pg-copy", ["data-0-copy", "wal-0-copy"])],
]);

interface Listed {
  readonly id: string;
  readonly time: string;
  readonly tags: Record<string, string>;
}

describe("repository retention of a volume replication", () => {
  let env: MigrationEnv;
  let repoDir: string;
  const statuses = new Map<string, VolumeReplicationStatus>();
  const moverEnv = (): Record<string, string> => ({ FERRY_REPOSITORY: repoDir, FERRY_REPOSITORY_KEY: KEY });

  const run = async (replication: VolumeReplication): Promise<VolumeReplicationStatus> => {
    // Cycle ids have a resolution of one second: start each cycle in a second of its own.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    const previous = statuses.get(replication.metadata.name);
    const status = await replicateGroup({
      replication,
      groups: GROUPS,
      clusters: env.clients,
      repository: moverRepositoryAccess(
        { filesystem: { path: repoDir }, encryption: { keyEnv: KEY_ENV } },
        { env: { [KEY_ENV]: KEY }, baseDir: env.dir },
      ),
      clock: systemClock,
      ...(previous === undefined ? {} : { status: previous }),
      options: { force: true, pollMs: 50 },
    });
    statuses.set(replication.metadata.name, status);
    expect(status.lastCycle?.result, JSON.stringify(status, null, 1)).toBe("Succeeded");
    return status;
  };
  const snapshots = async (): Promise<Listed[]> => {
    const out = await runFerry(["mover", "snapshots", "--json"], { env: moverEnv() });
    expect(out.stderr).toBe("");
    return (JSON.parse(out.stdout) as { snapshots: Listed[] }).snapshots;
  };
  const ids = (all: readonly Listed[], tag: string, value: string, pvc?: string): string[] =>
    all
      .filter((s) => s.tags[tag] === value && (pvc === undefined || s.tags["pvc"] === pvc))
      .map((s) => s.id)
      .sort();
  const write = async (cycle: number): Promise<void> => {
    const data = await env.claimDir("east-1", NS, "data-0");
    await writeFile(join(data, `cycle-${cycle}.bin`), randomBytes(64 * 1024));
    await writeFile(join(await env.claimDir("east-1", NS, "wal-0"), "wal"), `cycle ${cycle}\n`);
  };

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", "west-1"]);
    repoDir = join(env.dir, "repo");
    for (const cluster of ["east-1", "west-1"]) await env.kubectl(cluster, ["create", "namespace", NS]);
    await env.kubectl("east-1", ["apply", "-f", "-"], shopClaim("data-0") + shopClaim("wal-0"));
    await env.kubectl("east-1", [
      "wait",
      "-n",
      NS,
      "--for=jsonpath={.status.phase}=Bound",
      "pvc/data-0",
      "pvc/wal-0",
    ]);
    const data = await env.claimDir("east-1", NS, "data-0");
    await mkdir(join(data, "base"));
    for (let f = 0; f < 8; f++) await writeFile(join(data, "base", `f${f}.bin`), randomBytes(128 * 1024));
    // Three snapshots of one migration's copy of the same claim (one history), in the same repository.
    const copy = join(env.dir, "migration-copy");
    await mkdir(copy);
    for (let run = 1; run <= 3; run++) {
      await writeFile(join(copy, "dump.sql"), `select ${run};\n`);
      const backup = await runFerry(
        ["mover", "backup", "--source", copy, "--tag", "backup=shop-to-west", "--tag", "claim=shop.data-0"],
        { env: moverEnv() },
      );
      expect(backup.stderr).toBe("");
    }
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it("keeps exactly the 2 newest snapshots of each claim; the newest restores; others are untouched", async () => {
    const forgotten: (number | undefined)[] = [];
    for (let cycle = 1; cycle <= 3; cycle++) {
      await write(cycle);
      // pg-copy keeps the default 7: its forget removes nothing of its 3 cycles.
      expect((await run(COPY)).lastCycle?.snapshotsForgotten).toBe(0);
      forgotten.push((await run(DR)).lastCycle?.snapshotsForgotten);
    }
    // Cycles 1 and 2 leave 1 and 2 per claim; cycle 3 forgets the oldest of each of the 2 claims.
    expect(forgotten).toEqual([0, 0, 2]);
    const dr = statuses.get("pg-dr");
    expect(dr?.conditions.find((c) => c.type === "RepositoryRetention")).toMatchObject({
      status: "True",
      reason: "SnapshotsForgotten",
      message: "forgot 2 older snapshots, kept 4 (keepLast 2)",
    });
    const all = await snapshots();
    const last = dr?.lastConsistent?.pvcs ?? [];
    for (const pvc of ["data-0", "wal-0"]) {
      const kept = ids(all, "replication", "shop.pg-dr", pvc);
      expect(kept, pvc).toHaveLength(2);
      // The newest of each claim (the next cycle's parent) is among them.
      expect(kept).toContain(last.find((p) => p.sourcePvc === pvc)?.snapshotId);
      // pg-dr's forget left pg-copy's snapshots of the same claim alone.
      expect(ids(all, "replication", "shop.pg-copy", pvc), pvc).toHaveLength(3);
    }
    expect(ids(all, "backup", "shop-to-west")).toHaveLength(3);
    expect(all).toHaveLength(4 + 6 + 3);

    const newest = last.find((p) => p.sourcePvc === "data-0")?.snapshotId ?? "";
    const target = join(env.dir, "restored");
    const restored = await runFerry(["mover", "restore", "--snapshot", newest, "--target", target], {
      env: moverEnv(),
    });
    expect(restored.stderr).toBe("");
    const source = await treeDigest(await env.claimDir("east-1", NS, "data-0"));
    expect(treeDifferences(source, await treeDigest(target))).toEqual([]);
    // Forget Jobs are cleaned up with the cycle.
    expect(await env.getJson("west-1", ["jobs", "-n", NS])).toEqual([]);
  }, 120_000);

  it("a forget that fails leaves the cycle Succeeded with a warning condition; the next cycle forgets", async () => {
    const unreadable = join(repoDir, "snapshots", `${"f".repeat(64)}.json`);
    await writeFile(unreadable, "not a sealed snapshot");
    await write(5);
    const failed = await run(DR);
    expect(failed.phase).toBe("Idle");
    expect(failed.lastCycle?.snapshotsForgotten).toBeUndefined();
    expect(failed.conditions.find((c) => c.type === "RepositoryRetention")).toMatchObject({
      status: "False",
      reason: "ForgetFailed",
    });
    await rm(unreadable);
    expect(ids(await snapshots(), "replication", "shop.pg-dr")).toHaveLength(6);

    await write(6);
    const next = await run(DR);
    expect(next.lastCycle?.snapshotsForgotten).toBe(4);
    expect(next.conditions.find((c) => c.type === "RepositoryRetention")?.status).toBe("True");
    const all = await snapshots();
    for (const pvc of ["data-0", "wal-0"]) expect(ids(all, "replication", "shop.pg-dr", pvc)).toHaveLength(2);
    expect(ids(all, "replication", "shop.pg-copy")).toHaveLength(6);
    expect(ids(all, "backup", "shop-to-west")).toHaveLength(3);
  }, 120_000);
});
