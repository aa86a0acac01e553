/**
 * A ReplicationRepository's scheduled prune on a local cluster, through the controller's own
 * planner and executor: a new schedule is recorded and waits for its occurrence; when due, a
 * real `ferry mover prune` Job runs on the named cluster; while another mover holds a lock the
 * prune is Locked and retried at the next reconcile; once the lock is gone the prune frees the
 * forgotten snapshots' packs and the kept snapshot still restores.
 */
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/core/clock.js";
import { systemClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/core/logger.js";
import { executePlan } from "../../src/gitops/executor/execute.js";
import { planReconcile } from "../../src/gitops/reconcile/plan.js";
import { parseReport, type Report } from "../../src/gitops/reconcile/report.js";
import { loadDesiredState } from "../../src/manifests/load.js";
import { memoryTree } from "../../src/manifests/tree-memory.js";
import type { LoadResult } from "../../src/manifests/types.js";
import { forget } from "../../src/mover/forget.js";
import { acquireMoverLock } from "../../src/mover/lock.js";
import { restore } from "../../src/mover/restore.js";
import { deriveKey } from "../../src/repository/crypto.js";
import { FsObjectStore } from "../../src/repository/fs-store.js";
import type { RepositoryMaintenanceStatus } from "../../src/volumes/maintenance.js";
import { moverRepositoryAccess } from "../../src/volumes/repository-location.js";
import { exampleFiles } from "../helpers/example-repo.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { describeTree } from "../integration/mover/fixture.js";
import { backupHistory, du, type Generation } from "../integration/mover/history.js";

const KEY_ENV = "FERRY_E2E_REPOSITORY_KEY";
const KEY = "prune test key";
const PATH = "status/replicationrepository/default.yaml";

describe("scheduled prune of a replication repository", () => {
  let env: MigrationEnv;
  let repoDir: string;
  let store: FsObjectStore;
  let history: Generation[];
  let loaded: LoadResult;
  let files: Record<string, string>;
  let now = new Date("2026-11-21T02:59:00Z");
  const clock: Clock = { now: () => now, sleep: (ms, signal) => systemClock.sleep(ms, signal) };
  const records = new Map<string, Report>();

  /** One reconcile of the repository's report, as the controller runs it. */
  const reconcile = async (): Promise<{ acted: boolean; status: RepositoryMaintenanceStatus }> => {
    const plan = planReconcile({ commit: "c1", load: loaded, records, live: new Map(), now });
    const mine = plan.actions.filter((a) => a.type === "maintain-repository");
    const result = await executePlan({ commit: plan.commit, actions: mine }, records, {
      clusters: env.clients,
      repositoryFor: () => Promise.reject(new Error("not used by repository maintenance")),
      clock,
      logger: silentLogger,
      tree: memoryTree(files),
      branch: "main",
      volumes: {
        accessFor: () =>
          moverRepositoryAccess(
            { filesystem: { path: repoDir }, encryption: { keyEnv: KEY_ENV } },
            { env: { [KEY_ENV]: KEY }, baseDir: env.dir },
          ),
      },
    });
    expect(result.outcomes.filter((o) => o.error !== undefined)).toEqual([]);
    for (const [path, text] of result.files) {
      const report = text === null ? undefined : parseReport(text);
      if (report === undefined) records.delete(path);
      else records.set(path, report);
    }
    const report = records.get(PATH);
    if (report?.kind !== "ReplicationRepository") throw new Error(`no repository report at ${PATH}`);
    return { acted: mine.length > 0, status: report.status };
  };
  /** Reconciles (a second apart on the schedule's clock) until the prune Job has finished. */
  const untilFinished = async (): Promise<RepositoryMaintenanceStatus> => {
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const { status } = await reconcile();
      if (status.phase !== "Pruning") return status;
    }
    throw new Error("the prune Job did not finish");
  };

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1"]);
    repoDir = join(env.dir, "repo");
    store = new FsObjectStore({ root: repoDir, fsync: false });
    const key = deriveKey(KEY);
    history = await backupHistory({
      store,
      key,
      source: await mkdtemp(join(env.dir, "src-")),
      generations: 3,
      tags: { replication: "shop.db" },
    });
    await forget({ store, key, policy: { keepLast: 1, tags: {}, groupBy: ["replication", "pvc"] } });
    files = await exampleFiles();
    files["clusters/repository.yaml"] = [
      "apiVersion: ferry.dev/v1alpha1",
      "kind: ReplicationRepository",
      "metadata: {name: default}",
      "spec:",
      `  filesystem: {path: ${repoDir}}`,
      `  encryption: {keyEnv: ${KEY_ENV}}`,
      "  maintenance: {pruneSchedule: '0 3 * * *', maxUnused: 10%, cluster: east-1}",
      "",
    ].join("\n");
    loaded = await loadDesiredState(memoryTree(files));
    expect(loaded.problems).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it("waits for the schedule, is Locked while a backup holds the repository, then prunes", async () => {
    // A new schedule is recorded and waits for its first occurrence (03:00).
    expect(await reconcile()).toMatchObject({
      acted: true,
      status: { phase: "Idle", since: now.toISOString() },
    });
    expect((await reconcile()).acted).toBe(false);

    const backupLock = await acquireMoverLock({ store, kind: "backup", clock: systemClock });
    now = new Date("2026-11-21T03:00:30Z");
    const started = await reconcile();
    expect(started.status).toMatchObject({
      phase: "Pruning",
      running: { cluster: "east-1", namespace: "default", job: "ferry-prune-default-20261121030030" },
    });
    const locked = await untilFinished();
    expect(locked.phase).toBe("Locked");
    expect(locked.locked?.message).toMatch(/^Conflict: the repository .* is locked: backup by /);
    expect(locked.lastPrune).toBeUndefined();
    expect(await env.getJson("east-1", ["jobs", "-n", "default"])).toEqual([]);

    // Still due: the next reconcile tries again, now with the repository free.
    await backupLock.release();
    const packsBefore = await du(join(repoDir, "packs"));
    now = new Date("2026-11-21T03:01:00Z");
    expect((await reconcile()).status.running?.job).toBe("ferry-prune-default-20261121030100");
    const pruned = await untilFinished();
    expect(pruned).toMatchObject({
      phase: "Idle",
      lastPrune: { result: "Succeeded", startedAt: now.toISOString(), snapshots: 1 },
    });
    expect(pruned.locked).toBeUndefined();
    expect(pruned.lastPrune?.packsRemoved).toBeGreaterThan(0);
    const packsAfter = await du(join(repoDir, "packs"));
    // Removed packs are gone; a repacked pack's used blobs were written into a new one.
    const { bytesRemoved = 0, bytesWritten = 0 } = pruned.lastPrune ?? {};
    expect(packsBefore - packsAfter).toBeGreaterThan(0);
    expect(packsBefore - packsAfter).toBeGreaterThanOrEqual(bytesRemoved - bytesWritten);
    expect(packsBefore - packsAfter).toBeLessThanOrEqual(bytesRemoved);
    expect(await env.getJson("east-1", ["jobs", "-n", "default"])).toEqual([]);

    // Done for today: tomorrow's occurrence is the next.
    now = new Date("2026-11-21T23:00:00Z");
    expect((await reconcile()).acted).toBe(false);
    const target = join(env.dir, "restored");
    await restore({ store, key: deriveKey(KEY), snapshot: history[2]?.snapshotId ?? "", target });
    expect((await describeTree(target)).entries).toEqual(history[2]?.entries);
  }, 120_000);
});
