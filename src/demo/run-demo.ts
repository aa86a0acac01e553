/**
 * `ferry demo` (`npm start`): the whole GitOps loop on the embedded default. Starts local
 * clusters in this process, makes a local Git repo of the example desired state, installs a
 * sample application with data on east-1 and dev-1, runs the controller until the example
 * Migration has finished and the example VolumeReplication has its first consistent copy,
 * prints how every example object ended and where to look, and stops the clusters
 * (their state stays in the demo directory, so `ferry local up --dir` brings them back).
 */
import * as fs from "node:fs";
import { readdirSync, rmSync } from "node:fs";
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
import { STATUS_FOLDER } from "../gitops/git/status-layout.js";
import { DEFAULT_CLUSTERS, startLocalClusters, type LocalClusters } from "../local/clusters.js";
import { processAlive, readDaemonInfo } from "../local/daemon.js";
import { exampleOutcome, outcomeLine, type ExampleOutcome } from "./example-outcomes.js";
import { createFleetRepo, projectRoot } from "./fleet-repo.js";
import { installSampleApp, PG_CLAIMS, SHOP_CLAIM } from "./sample-app.js";

export const DEMO_MIGRATION = "shop-to-west";
export const DEMO_NAMESPACE = "shop";
export const DEMO_SOURCE = "east-1";
/** The example VolumeReplication (environments/prod) the demo waits for, and its target. */
export const DEMO_REPLICATION = { namespace: "shop", name: "pg-dr", target: "west-1" } as const;
/** The dev cluster: the example's dev environment snapshots the same app there. */
export const DEMO_DEV = "dev-1";

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
  /** How every example object (Migration, MigrationSchedule, VolumeReplication) ended. */
  readonly outcomes: readonly ExampleOutcome[];
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

    for (const cluster of [DEMO_SOURCE, DEMO_DEV]) {
      const client = new KubeClusterClient(
        cluster,
        kubeConfigFor(
          cluster,
          { local: { name: cluster } },
          { env: {}, baseDir: dir, localKubeconfig: kubeconfig },
        ),
      );
      const volumes = await installSampleApp(client, DEMO_NAMESPACE, clock, options.signal);
      print(
        `Sample app on ${cluster}/${DEMO_NAMESPACE}: Deployment, Service, ConfigMap, Secret, PVC ${SHOP_CLAIM}; StatefulSet pg with PVCs ${PG_CLAIMS.join(", ")} (files in ${Object.keys(volumes).length} volumes)`,
      );
    }

    const path = reportPath("Migration", { name: DEMO_MIGRATION });
    const replicationPath = reportPath("VolumeReplication", DEMO_REPLICATION);
    let finished: string | undefined;
    // Set once pg-dr's report holds a consistent copy, or once it ended without one.
    let replicated: string | undefined;
    let checking = false;
    let wake: (() => void) | undefined;
    const done = (): boolean => finished !== undefined && replicated !== undefined;
    /** Reads pg-dr's report: a cycle spans reconciles, so its phase alone does not say it is done. */
    const checkReplication = async (): Promise<void> => {
      if (checking || replicated !== undefined) return;
      checking = true;
      try {
        const text = await readStatusFile(repo, replicationPath);
        const report = text === undefined ? undefined : parseReport(text);
        if (report?.kind !== "VolumeReplication") return;
        const phase = report.status.phase;
        if (report.status.lastConsistent !== undefined || phase === "Blocked" || phase === "Failed")
          replicated = phase;
      } finally {
        checking = false;
        if (done()) wake?.();
      }
    };
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
        if (summary.statusCommit !== undefined) void checkReplication();
        if (done()) wake?.();
      },
    });
    print(
      `Controller running (poll every 1s); waiting for Migration ${DEMO_MIGRATION} and the first consistent copy of VolumeReplication ${DEMO_REPLICATION.namespace}/${DEMO_REPLICATION.name} …`,
    );
    const timeout = options.timeoutMs ?? 50_000;
    const timer = new AbortController();
    const abort = (): void => timer.abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      await new Promise<void>((resolveWait, reject) => {
        wake = resolveWait;
        if (done()) resolveWait();
        clock.sleep(timeout, timer.signal).then(
          () =>
            reject(
              new FerryError(
                "Timeout",
                finished === undefined
                  ? `Migration ${DEMO_MIGRATION} did not finish within ${timeout / 1000}s`
                  : `VolumeReplication ${DEMO_REPLICATION.namespace}/${DEMO_REPLICATION.name} made no consistent copy within ${timeout / 1000}s`,
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
    const outcomes = await readOutcomes(repo);
    print("");
    print("Every example object:");
    for (const o of outcomes) print(outcomeLine(o));
    const replicaVolumes: string[] = [];
    for (const claim of PG_CLAIMS) {
      const at = await claimDirectory(local, DEMO_REPLICATION.target, DEMO_REPLICATION.namespace, claim);
      if (at !== undefined) replicaVolumes.push(at);
    }
    for (const at of replicaVolumes) {
      print(
        `  ${DEMO_REPLICATION.name}'s copy on ${DEMO_REPLICATION.target}: ${relative(process.cwd(), at) || at} (${readdirSync(at).sort().join(", ")})`,
      );
    }
    const targetVolume = await claimDirectory(local, "west-1", DEMO_NAMESPACE, SHOP_CLAIM);
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
      outcomes,
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

/** The outcome of every example object whose report is on the status branch, sorted by path. */
async function readOutcomes(repo: string): Promise<ExampleOutcome[]> {
  const files = await git.listFiles({ fs, dir: repo, ref: DEFAULT_STATUS_BRANCH });
  const outcomes: ExampleOutcome[] = [];
  for (const file of files.filter((f) => f.startsWith(`${STATUS_FOLDER}/`)).sort()) {
    const text = await readStatusFile(repo, file);
    const report = text === undefined ? undefined : parseReport(text);
    const outcome = report === undefined ? undefined : exampleOutcome(report);
    if (outcome !== undefined) outcomes.push(outcome);
  }
  return outcomes;
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
  print(
    `  git -C ${rel(o.repo)} show ${DEFAULT_STATUS_BRANCH}:${reportPath("VolumeReplication", DEMO_REPLICATION)}   # pg-dr's last consistent copy`,
  );
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
