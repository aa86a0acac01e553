/**
 * The executor: carries out a reconcile plan with the engine and the adapters, and returns
 * the report files to commit. Different objects run in parallel with a bound (p-limit); one
 * object has at most one action per plan and reconciles never overlap, so one object's work
 * is serialised. Failures of one object end up in its report, never in another's.
 */
import pLimit from "p-limit";
import type { ClusterClient } from "../../cluster/port.js";
import type { Clock } from "../../core/clock.js";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { runMigration, type MigrationRunResult } from "../../engine/run/run-migration.js";
import { runDueSchedules, scheduleKey } from "../../engine/run/run-schedules.js";
import type { VolumeDataMover } from "../../engine/run/volume-mover.js";
import type { TreeSource } from "../../manifests/types.js";
import type { Repository } from "../../repository/repository.js";
import { reportPath } from "../reconcile/plan.js";
import {
  renderReport,
  type MigrationReport,
  type RemediationRecord,
  type Report,
} from "../reconcile/report.js";
import type { ReconcileAction, ReconcilePlan, StatusRecords } from "../reconcile/types.js";
import { checkpointQueue, type CheckpointPort, type CheckpointQueue } from "./checkpoints.js";
import { maintainRepositoryAction } from "./maintain-repository.js";
import { remediateRun } from "./remediate-run.js";
import { deleteVolumeReplication, replicateVolumes, type ExecutorVolumes } from "./replicate-volumes.js";
import { readInventory, writtenObjects } from "./inventory.js";
import type { RemediationPort } from "./remediation.js";

export interface ExecutorDeps {
  readonly clusters: ReadonlyMap<string, ClusterClient>;
  /** Opens (or returns the already opened) ReplicationRepository of this name. */
  readonly repositoryFor: (name: string) => Promise<Repository>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The desired-state tree at the plan's commit (to build remediation proposals). */
  readonly tree: TreeSource;
  /** The desired-state branch (remediation PRs target it). */
  readonly branch: string;
  readonly remediation?: RemediationPort;
  readonly volumeMover?: VolumeDataMover;
  /** The volume mover of a ReplicationRepository (used when `volumeMover` is not given). */
  readonly volumeMoverFor?: (repository: string) => VolumeDataMover | undefined;
  /** The volume driver's wiring, for VolumeReplications. */
  readonly volumes?: ExecutorVolumes;
  /** Objects reconciled at once (default 4). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called once per finished migration run (metrics). */
  readonly onRun?: (name: string, result: MigrationRunResult) => void;
  /** Persists reports mid-reconcile (VolumeReplication state transitions); none without it. */
  readonly checkpoints?: CheckpointPort;
}

/** What one executed action came to, for logs, metrics and the commit status. */
export interface ActionOutcome {
  readonly action: ReconcileAction["type"];
  readonly path: string;
  /** The phase the object ended in (Migration, schedule runs). */
  readonly phase?: string;
  readonly error?: string;
  readonly remediation?: RemediationRecord;
}

export interface ExecutionResult {
  /** Report path → YAML, or null to delete the report. */
  readonly files: Map<string, string | null>;
  readonly outcomes: readonly ActionOutcome[];
}

/** Runs every action of `plan`; never throws for an object's failure (it is in the outcome and report). */
export async function executePlan(
  plan: ReconcilePlan,
  records: StatusRecords,
  deps: ExecutorDeps,
): Promise<ExecutionResult> {
  const files = new Map<string, string | null>();
  const outcomes: ActionOutcome[] = [];
  const limit = pLimit(deps.concurrency ?? 4);
  const { checkpoints: port, ...rest } = deps;
  const checkpoints =
    port === undefined
      ? undefined
      : checkpointQueue(port, {
          logger: deps.logger,
          ...(deps.signal === undefined ? {} : { signal: deps.signal }),
        });
  const run: RunDeps = checkpoints === undefined ? rest : { ...rest, checkpoints };
  try {
    await Promise.all(
      plan.actions.map((action) =>
        limit(async () => {
          deps.signal?.throwIfAborted();
          try {
            outcomes.push(await execute(action, plan.commit, records, files, run));
          } catch (e) {
            if (deps.signal?.aborted === true) throw e;
            deps.logger.error(
              { path: action.path, action: action.type, error: errorMessage(e) },
              "action failed",
            );
            outcomes.push({ action: action.type, path: action.path, error: errorMessage(e) });
          }
        }),
      ),
    );
  } finally {
    // The reconcile's own status write comes next: no checkpoint may still be in flight.
    await checkpoints?.settled();
  }
  outcomes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, outcomes };
}

/** The executor's deps as the actions see them: the checkpoint port replaced by this plan's queue. */
type RunDeps = Omit<ExecutorDeps, "checkpoints"> & { readonly checkpoints?: CheckpointQueue };

async function execute(
  action: ReconcileAction,
  commit: string,
  records: StatusRecords,
  files: Map<string, string | null>,
  deps: RunDeps,
): Promise<ActionOutcome> {
  switch (action.type) {
    case "report-invalid":
      files.set(
        action.path,
        renderReport({ kind: "Validation", commit: action.commit, problems: action.problems }),
      );
      return { action: action.type, path: action.path, phase: "Invalid" };
    case "clear-invalid":
      files.set(action.path, null);
      return { action: action.type, path: action.path };
    case "forget": {
      files.set(action.path, null);
      if (action.remediationBranch !== undefined && deps.remediation !== undefined) {
        await deps.remediation.withdraw(
          action.remediationBranch,
          "The manifest this remediation was for was removed; Ferry closed this proposal.",
          deps.signal,
        );
      }
      return { action: action.type, path: action.path };
    }
    case "report-drift": {
      const record = records.get(action.path);
      if (record?.kind !== "Migration") return { action: action.type, path: action.path };
      files.set(action.path, renderReport({ ...record, drift: action.drift }));
      return { action: action.type, path: action.path, ...phaseOf(record) };
    }
    case "start-migration":
      return startMigration(action, commit, records, files, deps);
    case "run-schedule":
      return runSchedule(action, commit, records, files, deps);
    case "replicate-volumes": {
      const done = await replicateVolumes(action, commit, records.get(action.path), files, deps);
      return { action: action.type, path: action.path, ...done };
    }
    case "delete-replication": {
      const done = await deleteVolumeReplication(action, files, deps);
      return { action: action.type, path: action.path, ...done };
    }
    case "maintain-repository": {
      const done = await maintainRepositoryAction(action, commit, files, deps);
      return { action: action.type, path: action.path, ...done };
    }
  }
}

function phaseOf(record: Report): { phase?: string } {
  const phase = record.kind === "Migration" ? record.status?.phase : undefined;
  return phase === undefined ? {} : { phase };
}

async function startMigration(
  action: Extract<ReconcileAction, { type: "start-migration" }>,
  commit: string,
  records: StatusRecords,
  files: Map<string, string | null>,
  deps: RunDeps,
): Promise<ActionOutcome> {
  const { manifest, location } = action.object;
  const { metadata, spec } = manifest;
  deps.logger.info({ migration: metadata.name, reason: action.reason }, "starting migration");
  const repository = await deps.repositoryFor(spec.repository);
  const result = await runMigration({
    migration: { metadata, spec },
    clusters: deps.clusters,
    repository,
    clock: deps.clock,
    location: { file: location.file, specPath: ["spec"] },
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
    ...moverOf(deps, spec.repository),
  });
  deps.onRun?.(metadata.name, result);
  const previous = records.get(action.path);
  const remedied = await remediateRun({
    object: action.object,
    result,
    before: previous?.kind === "Migration" ? previous.remediation : undefined,
    commit,
    branch: deps.branch,
    tree: deps.tree,
    remediation: deps.remediation,
    what: `Migration ${metadata.name}`,
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  });
  const manualSteps = remedied.manualSteps;
  const remediation = remedied.record;
  const finished = result.status.phase === "Completed" || result.status.phase === "PartiallyFailed";
  const inventory = finished ? await readInventory(deps.clusters, writtenObjects(result.events)) : undefined;
  const report: MigrationReport = {
    kind: "Migration",
    name: metadata.name,
    ...ns(metadata.namespace),
    source: { file: location.file, commit },
    specHash: action.specHash,
    status: {
      ...(result.status as unknown as Record<string, unknown>),
      ...(manualSteps.length === 0 ? {} : { manualSteps }),
    },
    ...(remediation === undefined ? {} : { remediation }),
    ...(inventory === undefined ? {} : { inventory }),
  };
  files.set(action.path, renderReport(report));
  return {
    action: action.type,
    path: action.path,
    phase: result.status.phase,
    ...(remediation === undefined ? {} : { remediation }),
  };
}

async function runSchedule(
  action: Extract<ReconcileAction, { type: "run-schedule" }>,
  commit: string,
  records: StatusRecords,
  files: Map<string, string | null>,
  deps: RunDeps,
): Promise<ActionOutcome> {
  const { manifest, location } = action.object;
  const { metadata } = manifest;
  const key = scheduleKey(manifest);
  let state = action.state;
  let phase: string | undefined;
  const previous = records.get(action.path);
  let remediation = previous?.kind === "MigrationSchedule" ? previous.remediation : undefined;
  if (action.due.length > 0) {
    deps.logger.info({ schedule: key, due: action.due.map((d) => d.type) }, "starting schedule runs");
    const result = await runDueSchedules({
      schedules: [{ schedule: manifest, policy: action.policy, file: location.file }],
      state: { [key]: action.state },
      clusters: deps.clusters,
      repositoryFor: deps.repositoryFor,
      clock: deps.clock,
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
      ...moverOf(deps, manifest.spec.template.spec.repository),
    });
    state = result.state[key] ?? state;
    // The latest run decides the schedule's remediation proposal (one branch per schedule).
    const latest = result.runs.filter((r) => r.result !== undefined).at(-1);
    if (latest?.result !== undefined) {
      const remedied = await remediateRun({
        object: action.object,
        result: latest.result,
        before: remediation,
        commit,
        branch: deps.branch,
        tree: deps.tree,
        remediation: deps.remediation,
        what: `MigrationSchedule ${metadata.name} (run ${latest.name})`,
        ...(deps.signal === undefined ? {} : { signal: deps.signal }),
      });
      remediation = remedied.record;
    }
    for (const run of result.runs) {
      if (run.result !== undefined) deps.onRun?.(run.name, run.result);
      phase = run.result?.status.phase ?? "Failed";
      const finished = phase === "Completed" || phase === "PartiallyFailed";
      const inventory =
        run.result !== undefined && finished
          ? await readInventory(deps.clusters, writtenObjects(run.result.events))
          : undefined;
      files.set(
        reportPath("ScheduleRun", { name: run.name, namespace: metadata.namespace }),
        renderReport({
          kind: "ScheduleRun",
          name: run.name,
          ...ns(metadata.namespace),
          source: { file: location.file, commit },
          specHash: action.specHash,
          status:
            run.result === undefined
              ? { phase: "Failed", message: run.error ?? "the run could not start" }
              : run.result.status,
          ...(inventory === undefined ? {} : { inventory }),
        }),
      );
    }
    for (const name of result.pruned) {
      files.set(reportPath("ScheduleRun", { name, namespace: metadata.namespace }), null);
    }
  }
  files.set(
    action.path,
    renderReport({
      kind: "MigrationSchedule",
      name: metadata.name,
      ...ns(metadata.namespace),
      specHash: action.specHash,
      state,
      ...(remediation === undefined ? {} : { remediation }),
    }),
  );
  return {
    action: action.type,
    path: action.path,
    ...(phase === undefined ? {} : { phase }),
    ...(remediation === undefined ? {} : { remediation }),
  };
}

/** The volume mover for a run through `repository`, if one is wired. */
function moverOf(deps: RunDeps, repository: string): { volumeMover?: VolumeDataMover } {
  const mover = deps.volumeMover ?? deps.volumeMoverFor?.(repository);
  return mover === undefined ? {} : { volumeMover: mover };
}

function ns(namespace: string | undefined): { namespace?: string } {
  return namespace === undefined ? {} : { namespace };
}
