/**
 * `npm run bench:reconcile`: the controller's reconcile at scale. 1,000 manifests (500
 * Migrations and 500 MigrationSchedules) across 50 local clusters (simulated controllers
 * off), in a local Git repo. Prints:
 *   1. the time to write the status commit of 1,000 reports (one commit, no checkout);
 *   2. the no-op reconcile — everything up to date, nothing due — cold (first reconcile of
 *      a fresh controller: load the commit and read 1,000 reports back from Git) and warm
 *      (every later poll: a ref read, the plan over cached state), median of 20;
 *   3. the same warm no-op with drift observation: every Migration has an inventory of 2
 *      objects on its target, so each reconcile GETs 1,000 live objects over HTTP.
 * The reports are rendered like the executor's (status, inventory, schedule history) but not
 * produced by running 500 real migrations. No peer is named by the issue.
 */
import * as fs from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import git from "isomorphic-git";
import { KubeClusterClient } from "../src/cluster/client-node.js";
import { kubeConfigFor } from "../src/cluster/kubeconfig.js";
import { systemClock } from "../src/core/clock.js";
import { silentLogger } from "../src/core/logger.js";
import { clusterConnector } from "../src/controller/connect.js";
import { createReconciler } from "../src/controller/reconciler.js";
import { repositoryOpener } from "../src/controller/repositories.js";
import { statusRecordStore } from "../src/controller/status-records.js";
import { openGitRemote } from "../src/gitops/git/open-remote.js";
import { createGitSource } from "../src/gitops/git/source.js";
import { writeStatusCommit } from "../src/gitops/git/status-writer.js";
import { inventoryItem, type InventoryItem } from "../src/gitops/reconcile/drift.js";
import { reportPath } from "../src/gitops/reconcile/plan.js";
import { renderReport } from "../src/gitops/reconcile/report.js";
import { specHash } from "../src/gitops/reconcile/spec-hash.js";
import { loadDesiredState } from "../src/manifests/load.js";
import { memoryTree } from "../src/manifests/tree-memory.js";
import { startLocalClusters } from "../src/local/clusters.js";

const CLUSTERS = 50;
const PER_KIND = 500;
const RUNS = 20;
const names = Array.from({ length: CLUSTERS }, (_, i) => `c-${String(i).padStart(2, "0")}`);
const NOW = new Date();

function desiredFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  files["clusters/fleet.yaml"] = [
    `apiVersion: ferry.dev/v1alpha1\nkind: Fleet\nmetadata: {name: bench}\nspec:\n  clusters: [${names.join(", ")}]\n`,
    ...names.map(
      (n) =>
        `apiVersion: ferry.dev/v1alpha1\nkind: Cluster\nmetadata: {name: ${n}}\nspec:\n  fleet: bench\n  connection: {local: {name: ${n}}}\n`,
    ),
    `apiVersion: ferry.dev/v1alpha1\nkind: ReplicationRepository\nmetadata: {name: default}\nspec:\n  filesystem: {path: repository}\n`,
  ].join("---\n");
  // A daily policy whose time is never in (since, now] for a schedule honoured from NOW.
  const hh = (NOW.getUTCHours() + 12) % 24;
  const kitchen = `${hh % 12 === 0 ? 12 : hh % 12}:00${hh < 12 ? "AM" : "PM"}`;
  files["policies/bench.yaml"] =
    `apiVersion: ferry.dev/v1alpha1\nkind: SchedulePolicy\nmetadata: {name: twice-daily}\npolicy:\n  daily: {time: "${kitchen}"}\n`;
  for (let f = 0; f < 50; f++) {
    const docs: string[] = [];
    for (let j = 0; j < 10; j++) {
      const i = f * 10 + j;
      const src = names[i % CLUSTERS];
      const dst = names[(i + 1) % CLUSTERS];
      const spec = `  fleet: bench\n  source: {cluster: ${src}}\n  targets: [{cluster: ${dst}}]\n  namespaces: [app-${i}]\n  includeVolumes: false\n  repository: default\n`;
      docs.push(`apiVersion: ferry.dev/v1alpha1\nkind: Migration\nmetadata: {name: m-${i}}\nspec:\n${spec}`);
      docs.push(
        `apiVersion: ferry.dev/v1alpha1\nkind: MigrationSchedule\nmetadata: {name: s-${i}}\nspec:\n  schedulePolicyName: twice-daily\n  template:\n    spec:\n${spec.replace(/^/gm, "    ").trimEnd()}\n`,
      );
    }
    files[`environments/bench/apps-${String(f).padStart(2, "0")}.yaml`] = docs.join("---\n");
  }
  return files;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number): string => `${x.toFixed(1)} ms`;

const temp = mkdtempSync(join(tmpdir(), "ferry-bench-reconcile-"));
const local = await startLocalClusters({ dir: join(temp, "local"), clusters: names, controllers: false });
try {
  const files = desiredFiles();
  const dir = join(temp, "fleet");
  await git.init({ fs, dir, defaultBranch: "main" });
  for (const [path, text] of Object.entries(files)) {
    fs.mkdirSync(join(dir, path, ".."), { recursive: true });
    fs.writeFileSync(join(dir, path), text);
    await git.add({ fs, dir, filepath: path });
  }
  await git.commit({ fs, dir, message: "bench fleet", author: { name: "bench", email: "b@b" } });
  const load = await loadDesiredState(memoryTree(files));
  if (!load.valid) throw new Error(`bench manifests invalid: ${load.problems[0]?.message}`);

  // Two ConfigMaps per Migration on its target: the objects its inventory lists.
  const clients = new Map(
    names.map((n) => [
      n,
      new KubeClusterClient(
        n,
        kubeConfigFor(
          n,
          { local: { name: n } },
          { env: {}, baseDir: temp, localKubeconfig: local.kubeconfigPath },
        ),
      ),
    ]),
  );
  const inventories = new Map<string, Record<string, InventoryItem[]>>();
  for (const { manifest } of load.state.list("Migration")) {
    const target = manifest.spec.targets[0]!.cluster;
    const ns = manifest.spec.namespaces[0]!;
    const client = clients.get(target)!;
    await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const items: InventoryItem[] = [];
    for (const name of ["settings", "flags"]) {
      const created = await client.create({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace: ns, labels: { "ferry.dev/managed-by": "ferry" } },
        data: { key: `${manifest.metadata.name}-${name}` },
      });
      items.push(inventoryItem(created));
    }
    inventories.set(manifest.metadata.name, { [target]: items });
  }

  const reports = (withInventory: boolean): Map<string, string> => {
    const out = new Map<string, string>();
    const at = NOW.toISOString();
    for (const { manifest } of load.state.list("Migration")) {
      const target = manifest.spec.targets[0]!.cluster;
      out.set(
        reportPath("Migration", manifest.metadata),
        renderReport({
          kind: "Migration",
          name: manifest.metadata.name,
          source: { file: "environments/bench/apps.yaml", commit: "0".repeat(40) },
          specHash: specHash(manifest.spec),
          status: {
            phase: "Completed",
            message: `${target}: Completed`,
            startTimestamp: at,
            completionTimestamp: at,
            conditions: [
              {
                type: "TargetsReady",
                status: "True",
                reason: "Restored",
                message: "ok",
                lastTransitionTime: at,
              },
            ],
            sourceClusterStatus: {
              cluster: manifest.spec.source.cluster,
              backup: {
                name: `${manifest.metadata.name}-1`,
                phase: "Completed",
                objects: 2,
                bytes: 900,
                startTimestamp: at,
                completionTimestamp: at,
              },
            },
            targetClusterStatus: [
              {
                cluster: target,
                restore: {
                  name: `${target}-1`,
                  phase: "Completed",
                  itemsTotal: 2,
                  counts: { created: 2, updated: 0, unchanged: 0, skipped: 0, failed: 0 },
                  errors: [],
                  startTimestamp: at,
                  completionTimestamp: at,
                },
              },
            ],
            progress: { itemsDone: 4, itemsTotal: 4, bytesDone: 900 },
          },
          ...(withInventory ? { inventory: inventories.get(manifest.metadata.name)! } : {}),
        }),
      );
    }
    for (const { manifest } of load.state.list("MigrationSchedule")) {
      out.set(
        reportPath("MigrationSchedule", manifest.metadata),
        renderReport({
          kind: "MigrationSchedule",
          name: manifest.metadata.name,
          specHash: specHash(manifest.spec),
          state: { since: at, history: {} },
        }),
      );
    }
    return out;
  };

  const remote = await openGitRemote({ repo: dir });
  const t0 = performance.now();
  const written = await writeStatusCommit({ remote, clock: systemClock }, { files: reports(false) });
  const writeMs = performance.now() - t0;
  const t1 = performance.now();
  const rewritten = await writeStatusCommit({ remote, clock: systemClock }, { files: reports(true) });
  const rewriteMs = performance.now() - t1;

  const measure = async (label: string): Promise<{ cold: number; warm: number }> => {
    const source = createGitSource({ remote, branch: "main" });
    const reconciler = createReconciler({
      source,
      records: statusRecordStore(remote, "ferry/status"),
      status: { write: () => Promise.reject(new Error("a no-op reconcile must not write")) },
      connect: clusterConnector(
        { env: {}, baseDir: temp, localKubeconfig: local.kubeconfigPath },
        silentLogger,
      ),
      repositories: repositoryOpener({ env: {}, baseDir: temp, clock: systemClock }),
      clock: systemClock,
      logger: silentLogger,
    });
    const once = async (): Promise<number> => {
      const start = performance.now();
      const polled = await source.poll();
      const summary = await reconciler.reconcile(polled.commit!);
      if (summary.actions !== 0) throw new Error(`${label}: planned ${summary.actions} action(s)`);
      return performance.now() - start;
    };
    const cold = await once();
    const warm: number[] = [];
    for (let r = 0; r < RUNS; r++) warm.push(await once());
    return { cold, warm: median(warm) };
  };

  // The status branch now holds the reports with inventories: measure with drift checks,
  // then put the reports without inventories back and measure without.
  const withDrift = await measure("with drift");
  await writeStatusCommit({ remote, clock: systemClock }, { files: reports(false) });
  const noDrift = await measure("without drift");

  process.stdout.write(
    [
      `reconcile at scale: ${PER_KIND} Migrations + ${PER_KIND} MigrationSchedules, ${CLUSTERS} local clusters, local Git repo`,
      `status commit of 1,000 reports (first write):            ${ms(writeMs)} (${written.changed.length} reports)`,
      `status commit updating 500 reports (inventories added):  ${ms(rewriteMs)} (${rewritten.changed.length} reports)`,
      `no-op reconcile, no drift observation   cold ${ms(noDrift.cold)}, warm median of ${RUNS}: ${ms(noDrift.warm)} (goal < 1 s: ${noDrift.warm < 1000 ? "met" : "NOT met"})`,
      `no-op reconcile, 1,000 live objects observed for drift   cold ${ms(withDrift.cold)}, warm median of ${RUNS}: ${ms(withDrift.warm)} (goal < 1 s: ${withDrift.warm < 1000 ? "met" : "NOT met"})`,
    ].join("\n") + "\n",
  );
} finally {
  await local.stop();
  rmSync(temp, { recursive: true, force: true });
}
