/**
 * `ferry demo` (`npm start`): the whole GitOps loop on the embedded default. Starts local
 * clusters in this process, makes a local Git repo of the example desired state, installs a
 * sample application with data on the source, runs the controller until the example
 * Migration has finished, prints what happened and where to look, and stops the clusters
 * (their state stays in the demo directory, so `ferry local up --dir` brings them back).
 */
import * as fs from "node:fs";
import { rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import git from "isomorphic-git";
import { KubeClusterClient } from "../cluster/client-node.js";
import { kubeConfigFor } from "../cluster/kubeconfig.js";
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { startController, type RunningController } from "../controller/controller.js";
import { DEFAULT_STATUS_BRANCH } from "../gitops/git/status-writer.js";
import { parseReport, type MigrationReport } from "../gitops/reconcile/report.js";
import { reportPath } from "../gitops/reconcile/plan.js";
import { DEFAULT_CLUSTERS, startLocalClusters, type LocalClusters } from "../local/clusters.js";
import { processAlive, readDaemonInfo } from "../local/daemon.js";
import { createFleetRepo, projectRoot } from "./fleet-repo.js";
import { installSampleApp } from "./sample-app.js";

export const DEMO_MIGRATION = "shop-to-west";
export const DEMO_NAMESPACE = "shop";
export const DEMO_SOURCE = "east-1";

export interface DemoOptions {
  /** The demo directory (emptied first): clusters, the fleet repo, the replication repository, logs. */
  readonly dir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Printed lines go here. */
  readonly print: (line: string) => void;
  /** Give up after this long (default 50 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Environment for the controller (repository keys); default none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface DemoResult {
  readonly dir: string;
  readonly repo: string;
  readonly kubeconfig: string;
  readonly phase: string;
  readonly report: MigrationReport;
  readonly statusCommits: number;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const dir = resolve(options.dir);
  const { print, clock } = options;
  const clustersDir = join(dir, "clusters");
  const running = readDaemonInfo(clustersDir);
  if (running !== undefined && processAlive(running.pid)) {
    // The clusters of an earlier demo were brought back with `ferry local up`.
    throw new FerryError(
      "Conflict",
      `the clusters of an earlier demo are running (pid ${running.pid}): stop them with \`ferry local down --dir ${relative(process.cwd(), clustersDir) || clustersDir}\` first`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  const repo = join(dir, "fleet");
  const started = clock.now().getTime();
  const elapsed = (): string => `${((clock.now().getTime() - started) / 1000).toFixed(1)}s`;

  print(`Starting local clusters ${DEFAULT_CLUSTERS.join(", ")} …`);
  const local = await startLocalClusters({
    dir: clustersDir,
    clusters: DEFAULT_CLUSTERS,
    logger: options.logger,
  });
  let controller: RunningController | undefined;
  try {
    const kubeconfig = local.kubeconfigPath;
    await createFleetRepo({ dir: repo, author: { name: "Ferry demo", email: "demo@ferry.dev" } });
    print(
      `Desired-state repo ${relative(process.cwd(), repo) || repo} (branch main) from clusters/, policies/, environments/`,
    );

    const source = new KubeClusterClient(
      DEMO_SOURCE,
      kubeConfigFor(
        DEMO_SOURCE,
        { local: { name: DEMO_SOURCE } },
        { env: {}, baseDir: dir, localKubeconfig: kubeconfig },
      ),
    );
    const volume = await installSampleApp(source, DEMO_NAMESPACE, clock, options.signal);
    print(
      `Sample app on ${DEMO_SOURCE}/${DEMO_NAMESPACE}: Deployment, Service, ConfigMap, Secret, PVC shop-data (3 files in ${volume})`,
    );

    const path = reportPath("Migration", { name: DEMO_MIGRATION });
    let finished: string | undefined;
    let wake: (() => void) | undefined;
    // Every reconcile hands each VolumeReplication to the driver: print only what changes.
    const printed = new Map<string, string>();
    controller = await startController({
      repo,
      branch: "main",
      cacheDir: join(dir, "cache"),
      env: options.env ?? {},
      clock,
      logger: options.logger,
      baseDir: dir,
      localKubeconfig: kubeconfig,
      intervalMs: 1000,
      onReconcile: (summary) => {
        for (const o of summary.outcomes) {
          const line = `${o.action} ${o.phase ?? ""} ${o.error ?? ""}`;
          if (printed.get(o.path) === line) continue;
          printed.set(o.path, line);
          print(
            `  [${elapsed()}] ${o.action} ${o.path}${o.phase === undefined ? "" : ` → ${o.phase}`}${o.error === undefined ? "" : ` (error: ${o.error})`}`,
          );
          if (o.path === path && o.phase !== undefined && o.phase !== "InProgress") finished = o.phase;
        }
        if (finished !== undefined) wake?.();
      },
    });
    print(`Controller running (poll every 1s); waiting for Migration ${DEMO_MIGRATION} …`);
    const timeout = options.timeoutMs ?? 50_000;
    const timer = new AbortController();
    const abort = (): void => timer.abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      await new Promise<void>((resolveWait, reject) => {
        wake = resolveWait;
        if (finished !== undefined) resolveWait();
        clock.sleep(timeout, timer.signal).then(
          () =>
            reject(
              new FerryError(
                "Timeout",
                `Migration ${DEMO_MIGRATION} did not finish within ${timeout / 1000}s`,
              ),
            ),
          () => reject(new FerryError("Aborted", "the demo was interrupted")),
        );
      });
    } finally {
      timer.abort();
      options.signal?.removeEventListener("abort", abort);
    }
    await controller.stop();
    controller = undefined;

    const text = await readStatusFile(repo, path);
    const report = text === undefined ? undefined : parseReport(text);
    if (report?.kind !== "Migration")
      throw new FerryError("NotFound", `no report at ${path} on ${DEFAULT_STATUS_BRANCH}`);
    const commits = await git.log({ fs, dir: repo, ref: DEFAULT_STATUS_BRANCH });
    describe(report, print);
    const targetVolume = await claimDirectory(local, "west-1", DEMO_NAMESPACE, "shop-data");
    printWhereToLook({
      print,
      repo,
      kubeconfig,
      path,
      clustersDir,
      commits: commits.length,
      ...(targetVolume === undefined ? {} : { targetVolume }),
    });
    return {
      dir,
      repo,
      kubeconfig,
      phase: String(report.status?.phase),
      report,
      statusCommits: commits.length,
    };
  } finally {
    await controller?.stop();
    await local.stop();
    print(
      `Local clusters stopped (${elapsed()}); their state is kept in ${relative(process.cwd(), clustersDir) || clustersDir}.`,
    );
  }
}

/** The directory of a local cluster's claim (its PV's hostPath), while the clusters run. */
async function claimDirectory(
  local: LocalClusters,
  cluster: string,
  namespace: string,
  name: string,
): Promise<string | undefined> {
  const client = new KubeClusterClient(
    cluster,
    kubeConfigFor(
      cluster,
      { local: { name: cluster } },
      { env: {}, baseDir: ".", localKubeconfig: local.kubeconfigPath },
    ),
  );
  const claim = (await client.get({ apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name })) as
    { spec?: { volumeName?: string } } | undefined;
  const volume = claim?.spec?.volumeName;
  if (volume === undefined || volume === "") return undefined;
  const pv = (await client.get({ apiVersion: "v1", kind: "PersistentVolume", name: volume })) as
    { spec?: { hostPath?: { path?: string } } } | undefined;
  return pv?.spec?.hostPath?.path;
}

async function readStatusFile(repo: string, path: string): Promise<string | undefined> {
  try {
    const oid = await git.resolveRef({ fs, dir: repo, ref: DEFAULT_STATUS_BRANCH });
    const { blob } = await git.readBlob({ fs, dir: repo, oid, filepath: path });
    return new TextDecoder().decode(blob);
  } catch {
    return undefined;
  }
}

interface StatusShape {
  phase?: string;
  message?: string;
  sourceClusterStatus?: { cluster: string; backup?: { name: string; objects: number; bytes: number } };
  targetClusterStatus?: { cluster: string; restore?: { phase: string; counts: Record<string, number> } }[];
  conditions?: { type: string; status: string; reason: string; message: string }[];
}

function describe(report: MigrationReport, print: (line: string) => void): void {
  const status = (report.status ?? {}) as StatusShape;
  print("");
  print(
    `Migration ${report.name}: ${status.phase ?? "unknown"}${status.message === undefined ? "" : ` — ${status.message}`}`,
  );
  const backup = status.sourceClusterStatus?.backup;
  if (backup !== undefined) {
    print(
      `  backup on ${status.sourceClusterStatus?.cluster}: ${backup.name}, ${backup.objects} objects, ${backup.bytes} bytes`,
    );
  }
  for (const t of status.targetClusterStatus ?? []) {
    const c = t.restore?.counts ?? {};
    print(
      `  restore on ${t.cluster}: ${t.restore?.phase ?? "none"} (created ${c["created"] ?? 0}, updated ${c["updated"] ?? 0}, unchanged ${c["unchanged"] ?? 0}, failed ${c["failed"] ?? 0})`,
    );
  }
  const volumes = status.conditions?.find((c) => c.type === "VolumesReplicated");
  if (volumes?.status === "True") print(`  volume data: ${volumes.message}`);
  if (volumes !== undefined && volumes.status !== "True") {
    print(
      `  NOT moved: volume data — ${volumes.message} (${volumes.reason}); the claim exists on the targets, empty.`,
    );
  }
  print(
    "  Applications on the targets stay scaled to 0 (startApplications: false); the original replicas are in annotation ferry.dev/replicas.",
  );
}

function printWhereToLook(o: {
  print: (line: string) => void;
  repo: string;
  kubeconfig: string;
  path: string;
  clustersDir: string;
  commits: number;
  targetVolume?: string;
}): void {
  const rel = (p: string): string => relative(process.cwd(), p) || p;
  const { print } = o;
  const ferry = `node ${rel(join(projectRoot(), "bin", "ferry.js"))}`;
  print("");
  print("Where to look:");
  print(`  git -C ${rel(o.repo)} log --stat ${DEFAULT_STATUS_BRANCH}        # ${o.commits} status commit(s)`);
  print(`  git -C ${rel(o.repo)} show ${DEFAULT_STATUS_BRANCH}:${o.path}`);
  print(`  ${ferry} local up --dir ${rel(o.clustersDir)}        # bring the clusters back, then:`);
  print(
    `  kubectl --kubeconfig ${rel(o.kubeconfig)} --context west-1 get all,cm,secret,pvc -n ${DEMO_NAMESPACE}`,
  );
  print(
    `  kubectl --kubeconfig ${rel(o.kubeconfig)} --context west-1 get deploy shop-web -n ${DEMO_NAMESPACE} -o yaml   # provenance labels, desired hash`,
  );
  if (o.targetVolume !== undefined)
    print(`  ls -l ${rel(o.targetVolume)}        # shop-data's files, moved to west-1 by the mover`);
  print(`  ${ferry} local down --dir ${rel(o.clustersDir)}`);
}
