/**
 * Leader election with a coordination.k8s.io/v1 Lease on a (local) management cluster: two
 * controllers elect one leader, only the leader reconciles, a graceful stop releases the lease
 * and the standby takes over; a leader that dies without releasing loses the lease once it
 * expires; two candidates racing for a new lease never both win.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClusterClient } from "../../src/cluster/client-node.js";
import { kubeConfigFor } from "../../src/cluster/kubeconfig.js";
import type { ClusterClient } from "../../src/cluster/port.js";
import { silentLogger } from "../../src/core/logger.js";
import { startController, type RunningController } from "../../src/controller/controller.js";
import { createLeaderElector } from "../../src/controller/lease.js";
import type { ReconcileSummary } from "../../src/controller/reconciler.js";
import { startLocalClusters, type LocalClusters } from "../../src/local/clusters.js";
import { exampleFiles } from "../helpers/example-repo.js";
import { runGit } from "../helpers/git-http-server.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const NAMESPACE = "ferry-system";
const LEASE = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: NAMESPACE };

describe("leader election with a Lease", () => {
  let dir: string;
  let local: LocalClusters;
  let mgmt: ClusterClient;
  let repo: string;
  const holder = async (name: string): Promise<Record<string, unknown> | undefined> =>
    ((await mgmt.get({ ...LEASE, name })) as { spec?: Record<string, unknown> } | undefined)?.spec;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-leader-"));
    local = await startLocalClusters({ dir: join(dir, "local"), clusters: ["mgmt"], controllers: false });
    mgmt = new KubeClusterClient(
      "mgmt",
      kubeConfigFor(
        "mgmt",
        { local: { name: "mgmt" } },
        { env: {}, baseDir: dir, localKubeconfig: local.kubeconfigPath },
      ),
    );
    await mgmt.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
    repo = join(dir, "fleet");
    mkdirSync(repo);
    runGit(repo, ["init", "-q", "-b", "main"]);
    for (const [path, text] of Object.entries(await exampleFiles())) {
      if (!path.startsWith("clusters/") && !path.startsWith("policies/")) continue;
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text);
    }
    runGit(repo, ["add", "-A"]);
    runGit(repo, ["commit", "-q", "-m", "fleet"]);
  }, 60_000);

  afterAll(async () => {
    await local?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("two controllers elect one leader; stopping it hands over to the standby", async () => {
    const clock = new ManualClock();
    const reconciles: Record<string, ReconcileSummary[]> = { a: [], b: [] };
    const waiters: { who: string; resolve: () => void }[] = [];
    const start = (identity: string): Promise<RunningController> =>
      startController({
        repo,
        cacheDir: join(dir, `cache-${identity}`),
        env: {},
        clock,
        logger: silentLogger,
        baseDir: dir,
        localKubeconfig: local.kubeconfigPath,
        intervalMs: 30_000,
        lease: {
          client: mgmt,
          namespace: NAMESPACE,
          name: "ferry",
          identity,
          leaseDurationSeconds: 15,
          retryPeriodMs: 5_000,
        },
        onReconcile: (s) => {
          reconciles[identity]?.push(s);
          for (const w of waiters.filter((x) => x.who === identity)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        },
      });
    const reconciledBy = (who: string): Promise<void> =>
      new Promise((resolve) => waiters.push({ who, resolve }));

    const aFirst = reconciledBy("a");
    const a = await start("a");
    await aFirst;
    const b = await start("b");
    await clock.sleepers(4); // both loops and both electors are waiting
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(b.isReady()).toBe(true); // a standby polls and is ready regardless of leadership
    expect(await holder("ferry")).toMatchObject({ holderIdentity: "a", leaseDurationSeconds: 15 });

    for (let i = 0; i < 3; i++) {
      clock.advance(5_000);
      await clock.sleepers(4);
    }
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(reconciles["b"]).toEqual([]);
    expect(await a.metrics.registry.getSingleMetricAsString("ferry_leader")).toMatch(/ferry_leader 1/);
    expect(await b.metrics.registry.getSingleMetricAsString("ferry_leader")).toMatch(/ferry_leader 0/);

    await a.stop();
    expect((await holder("ferry"))?.["holderIdentity"]).toBe("");
    const bFirst = reconciledBy("b");
    clock.advance(5_000);
    await bFirst;
    expect(b.isLeader()).toBe(true);
    expect(await holder("ferry")).toMatchObject({ holderIdentity: "b" });
    await b.stop();
  }, 60_000);

  it("a leader that dies without releasing loses the lease once it expires", async () => {
    const clock = new ManualClock();
    const elector = (identity: string) =>
      createLeaderElector({
        client: mgmt,
        namespace: NAMESPACE,
        name: "crash",
        identity,
        leaseDurationSeconds: 15,
        clock,
        logger: silentLogger,
      });
    const x = elector("x");
    const y = elector("y");
    expect(await x.tick()).toBe(true);
    expect(await y.tick()).toBe(false);
    clock.advance(10_000); // x is gone: it renews no more
    expect(await y.tick()).toBe(false);
    clock.advance(6_000);
    expect(await y.tick()).toBe(true);
    expect(await holder("crash")).toMatchObject({ holderIdentity: "y", leaseTransitions: 1 });
    expect(await x.tick()).toBe(false); // x comes back as a follower
  });

  it.each([1, 2, 3])("two candidates racing for a new lease never both win (round %i)", async (round) => {
    const clock = new ManualClock();
    const electors = ["p", "q"].map((identity) =>
      createLeaderElector({
        client: mgmt,
        namespace: NAMESPACE,
        name: `race-${round}`,
        identity,
        clock,
        logger: silentLogger,
      }),
    );
    const won = await Promise.all(electors.map((e) => e.tick()));
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});
