/**
 * One reconcile of one desired-state commit: load (cached per commit), read the last
 * reports, observe the targets for drift, plan (pure), execute (volume state transitions are
 * committed as checkpoints while it runs), write one status commit and set the commit status.
 * A commit that fails validation touches no cluster: it is reported in
 * `status/_validation.yaml` and as a failed commit status.
 */
import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { errorMessage } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { VolumeDataMover } from "../engine/run/volume-mover.js";
import { executePlan, type ActionOutcome } from "../gitops/executor/execute.js";
import { observeInventories, type DiscoveryCache } from "../gitops/executor/inventory.js";
import type { RemediationPort } from "../gitops/executor/remediation.js";
import type { GitSource } from "../gitops/git/source.js";
import type { StatusSink } from "../gitops/git/status-writer.js";
import type { CommitState, GitHubPort } from "../gitops/github/port.js";
import { planReconcile, reportPath } from "../gitops/reconcile/plan.js";
import type { LiveFingerprints } from "../gitops/reconcile/drift.js";
import type { MigrationReport, Report } from "../gitops/reconcile/report.js";
import { loadDesiredState } from "../manifests/load.js";
import { createManifestValidator } from "../manifests/validator.js";
import type { LoadResult, ManifestValidator } from "../manifests/types.js";
import type { ClusterConnector } from "./connect.js";
import type { ControllerMetrics } from "./metrics.js";
import type { RepositoryOpener } from "./repositories.js";
import type { StatusRecordStore } from "./status-records.js";
import type { VolumeWiring } from "./volumes.js";

export interface ReconcilerDeps {
  readonly source: GitSource;
  readonly records: StatusRecordStore;
  readonly status: StatusSink;
  readonly connect: ClusterConnector;
  readonly repositories: RepositoryOpener;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly github?: GitHubPort;
  readonly remediation?: RemediationPort;
  readonly metrics?: ControllerMetrics;
  readonly volumeMover?: VolumeDataMover;
  /** Volume data for Migrations and VolumeReplications (per ReplicationRepository). */
  readonly volumes?: VolumeWiring;
  /** Objects reconciled at once (default 4). */
  readonly concurrency?: number;
  /** The commit status context (default `ferry/reconcile`). */
  readonly statusContext?: string;
}

/** What a reconcile did. */
export interface ReconcileSummary {
  readonly commit: string;
  readonly valid: boolean;
  readonly actions: number;
  readonly outcomes: readonly ActionOutcome[];
  /** The status commit, when one was written. */
  readonly statusCommit?: string;
  /** The commit status set on `commit`, when one was set. */
  readonly commitState?: CommitState;
  readonly durationMs: number;
}

export interface Reconciler {
  reconcile(commit: string, signal?: AbortSignal): Promise<ReconcileSummary>;
}

const FAILED = new Set(["Failed", "PartiallyFailed", "PrecheckFailed", "Invalid"]);

/** A reconciler over the controller's adapters. */
export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const validator: ManifestValidator = createManifestValidator();
  let loaded: { commit: string; result: LoadResult } | undefined;
  let lastCommitStatus: string | undefined;
  const discovery: DiscoveryCache = new WeakMap();
  const context = deps.statusContext ?? "ferry/reconcile";

  const load = async (commit: string): Promise<LoadResult> => {
    if (loaded?.commit === commit) return loaded.result;
    const result = await loadDesiredState(deps.source.readTree(commit), { validator });
    loaded = { commit, result };
    return result;
  };

  const setCommitStatus = async (commit: string, state: CommitState, description: string): Promise<void> => {
    if (deps.github === undefined) return;
    const key = `${commit}:${state}:${description}`;
    if (key === lastCommitStatus) return;
    try {
      await deps.github.setCommitStatus(commit, { state, context, description });
      lastCommitStatus = key;
    } catch (e) {
      deps.logger.warn({ commit, error: errorMessage(e) }, "cannot set the commit status");
    }
  };

  return {
    async reconcile(commit, signal) {
      const started = performance.now();
      const loadResult = await load(commit);
      const records = await deps.records.read(signal);
      const clusters = loadResult.valid ? deps.connect(loadResult.state) : new Map();
      const live = loadResult.valid
        ? await observeDrift(records, loadResult, clusters, discovery)
        : new Map();
      const plan = planReconcile({ commit, load: loadResult, records, live, now: deps.clock.now() });
      const log = deps.logger.child({ commit: commit.slice(0, 12) });
      let statusCommit: string | undefined;
      let outcomes: readonly ActionOutcome[] = [];
      if (plan.actions.length > 0) {
        log.info({ actions: plan.actions.map((a) => `${a.type} ${a.path}`) }, "reconciling");
        if (
          plan.actions.some(
            (a) => a.type === "start-migration" || (a.type === "run-schedule" && a.due.length > 0),
          )
        ) {
          await setCommitStatus(commit, "pending", "Ferry is running migrations for this commit");
        }
        const volumes = deps.volumes?.forState(loadResult.state);
        const executed = await executePlan(plan, records, {
          clusters,
          repositoryFor: deps.repositories.forState(loadResult.state),
          clock: deps.clock,
          logger: log,
          tree: deps.source.readTree(commit),
          branch: deps.source.branch,
          ...(deps.remediation === undefined ? {} : { remediation: deps.remediation }),
          ...(deps.volumeMover === undefined ? {} : { volumeMover: deps.volumeMover }),
          ...(volumes === undefined
            ? {}
            : { volumes, volumeMoverFor: (name: string) => volumes.moverFor(name) }),
          ...(deps.concurrency === undefined ? {} : { concurrency: deps.concurrency }),
          ...(signal === undefined ? {} : { signal }),
          // Mid-reconcile reports (volume state transitions) go the same way as the final one.
          checkpoints: {
            save: async (files, s) => {
              const written = await deps.status.write(files, s);
              deps.records.applied(written.tip, files);
              if (written.commit !== undefined)
                log.debug(
                  { statusCommit: written.commit.slice(0, 12), reports: [...files.keys()] },
                  "checkpoint",
                );
            },
          },
          onRun: (_name, result) => {
            if (deps.metrics === undefined) return;
            const written = result.status.targetClusterStatus.reduce(
              (n, t) => n + (t.restore?.counts.created ?? 0) + (t.restore?.counts.updated ?? 0),
              0,
            );
            deps.metrics.objectsMoved.inc(written);
            deps.metrics.bytesMoved.inc(result.status.sourceClusterStatus?.backup?.bytes ?? 0);
          },
        });
        outcomes = executed.outcomes;
        const written = await deps.status.write(executed.files, signal);
        statusCommit = written.commit;
        deps.records.applied(written.tip, executed.files);
        log.info(
          { statusCommit: written.commit?.slice(0, 12), reports: written.changed.length },
          written.commit === undefined ? "status unchanged" : "status committed",
        );
      }
      const after = await deps.records.read(signal);
      if (deps.metrics !== undefined) phaseGauge(deps.metrics, after);
      const verdict = commitVerdict(loadResult, after);
      await setCommitStatus(commit, verdict.state, verdict.description);
      const durationMs = performance.now() - started;
      deps.metrics?.reconcileDuration.observe(
        { result: loadResult.valid ? "ok" : "invalid" },
        durationMs / 1000,
      );
      return {
        commit,
        valid: loadResult.valid,
        actions: plan.actions.length,
        outcomes,
        ...(statusCommit === undefined ? {} : { statusCommit }),
        ...(deps.github === undefined ? {} : { commitState: verdict.state }),
        durationMs,
      };
    },
  };
}

/** Live fingerprints of the inventories of migrations that still exist. */
async function observeDrift(
  records: ReadonlyMap<string, Report>,
  load: LoadResult,
  clusters: ReadonlyMap<string, ClusterClient>,
  discovery: DiscoveryCache,
): Promise<Map<string, LiveFingerprints>> {
  const wanted = new Set(
    load.state.list("Migration").map((m) => reportPath("Migration", m.manifest.metadata)),
  );
  const inventories = new Map<string, NonNullable<MigrationReport["inventory"]>>();
  for (const [path, report] of records) {
    if (report.kind === "Migration" && report.inventory !== undefined && wanted.has(path)) {
      inventories.set(path, report.inventory);
    }
  }
  if (inventories.size === 0) return new Map();
  return observeInventories(clusters, inventories, { discovery });
}

/** The commit status: failure for an invalid commit or a failed object, success otherwise. */
function commitVerdict(
  load: LoadResult,
  records: ReadonlyMap<string, Report>,
): { state: CommitState; description: string } {
  if (!load.valid) {
    const errors = load.problems.filter((p) => p.severity === "error");
    const first = errors[0];
    return {
      state: "failure",
      description: `invalid: ${errors.length} problem(s)${first === undefined ? "" : `, first ${first.file}:${first.line} ${first.message}`}`,
    };
  }
  const wanted = new Set(
    load.state.list("Migration").map((m) => reportPath("Migration", m.manifest.metadata)),
  );
  const failed: string[] = [];
  let done = 0;
  let drifted = 0;
  for (const [path, report] of records) {
    if (report.kind !== "Migration" || !wanted.has(path)) continue;
    const phase = report.status?.phase ?? "Pending";
    if (FAILED.has(phase)) failed.push(`${report.name} ${phase}`);
    else if (phase === "Completed") done += 1;
    if ((report.drift?.length ?? 0) > 0) drifted += 1;
  }
  const drift = drifted > 0 ? `; drift on ${drifted}` : "";
  if (failed.length > 0) return { state: "failure", description: `${failed.join(", ")}${drift}` };
  return { state: "success", description: `${done} migration(s) completed${drift}` };
}

function phaseGauge(metrics: ControllerMetrics, records: ReadonlyMap<string, Report>): void {
  metrics.migrationsByPhase.reset();
  for (const report of records.values()) {
    if (report.kind !== "Migration" && report.kind !== "ScheduleRun") continue;
    metrics.migrationsByPhase.inc({ phase: report.status?.phase ?? "Pending" });
  }
}
