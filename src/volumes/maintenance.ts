/**
 * Scheduled prune of a replication repository (`ReplicationRepository.spec.maintenance`), as
 * pure decisions over plain data: when a prune is due, the Job's name and arguments, and what
 * the Job's outcome makes of the repository's maintenance status. The controller keeps that
 * status in the repository's report; src/volumes/prune-step.ts does the cluster work.
 */
import type { RepositoryMaintenance } from "../manifests/types.js";
import { compilePolicy } from "../schedule/index.js";
import type { MoverJobState } from "./run-job.js";
import { cycleDue } from "./rpo.js";
import { cycleId } from "./names.js";

/** The Job a prune runs in, while it runs (a prune can take longer than a reconcile should). */
export interface RunningPrune {
  readonly cluster: string;
  readonly namespace: string;
  readonly job: string;
  readonly startedAt: string;
}

export interface PruneResultRecord {
  readonly result: "Succeeded" | "Failed";
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly message?: string;
  readonly snapshots?: number;
  readonly packsRemoved?: number;
  readonly packsRepacked?: number;
  readonly bytesRemoved?: number;
  readonly bytesWritten?: number;
}

export interface RepositoryMaintenanceStatus {
  /** Idle (nothing running), Pruning, Locked (waiting for another mover's lock), Failed (last prune). */
  readonly phase: "Idle" | "Pruning" | "Locked" | "Failed";
  /** When Ferry started honouring the schedule: a new schedule prunes at its next occurrence. */
  readonly since: string;
  readonly running?: RunningPrune;
  /** The last prune that ran to an end (a lock conflict is not one). */
  readonly lastPrune?: PruneResultRecord;
  /** The last time the repository was locked by another mover; the prune is retried at the next reconcile. */
  readonly locked?: { readonly at: string; readonly message: string };
}

/** The status of a schedule Ferry starts honouring now. */
export function initialMaintenanceStatus(now: Date): RepositoryMaintenanceStatus {
  return { phase: "Idle", since: now.toISOString() };
}

/**
 * True when a prune should start: none is running, and an occurrence of the schedule fell
 * after the last prune's start (or after `since`). A prune that met a lock did not start, so
 * it stays due and the next reconcile tries again.
 */
export function pruneDue(options: {
  readonly repository: string;
  readonly maintenance: RepositoryMaintenance;
  readonly status: RepositoryMaintenanceStatus;
  readonly now: Date;
}): boolean {
  const { maintenance, status } = options;
  if (status.running !== undefined) return false;
  const policy = compilePolicy({
    cron: maintenance.pruneSchedule,
    ...(maintenance.timezone === undefined ? {} : { timezone: maintenance.timezone }),
  }).policy;
  if (policy === undefined) return false;
  return cycleDue({
    policy,
    name: options.repository,
    now: options.now,
    lastCycleStart: new Date(status.lastPrune?.startedAt ?? status.since),
  });
}

/** `ferry-prune-<repository>-<yyyymmddhhmmss>`, a label-safe Job name. */
export function pruneJobName(repository: string, at: Date): string {
  return cycleId(`ferry-prune-${repository}`, at);
}

/** Arguments of the prune Job (no claim: the mover only touches the repository). */
export function pruneArgs(maxUnused: string | undefined): string[] {
  return ["mover", "prune", "--json", ...(maxUnused === undefined ? [] : ["--max-unused", maxUnused])];
}

/**
 * The status after looking at the running prune's Job. A mover that could not take the
 * exclusive lock (`Conflict`: a backup, restore or another prune holds one) is `Locked` and
 * not counted as a prune, so it is retried; any other failure is the last prune's result.
 */
export function afterPruneJob(
  status: RepositoryMaintenanceStatus,
  job: MoverJobState,
  now: Date,
): RepositoryMaintenanceStatus {
  const running = status.running;
  if (running === undefined || job.state === "running") return status;
  const { running: _done, ...rest } = status;
  const finished = { startedAt: running.startedAt, finishedAt: now.toISOString() };
  if (job.state === "failed" && job.code === "Conflict") {
    return { ...rest, phase: "Locked", locked: { at: now.toISOString(), message: job.why } };
  }
  if (job.state === "succeeded" && job.result.command === "prune") {
    const r = job.result;
    const { locked: _was, ...clear } = rest;
    return {
      ...clear,
      phase: "Idle",
      lastPrune: {
        result: "Succeeded",
        ...finished,
        snapshots: r.snapshots,
        packsRemoved: r.packsRemoved,
        packsRepacked: r.packsRepacked,
        bytesRemoved: r.bytesRemoved,
        bytesWritten: r.bytesWritten,
      },
    };
  }
  const message =
    job.state === "missing"
      ? `the prune Job ${running.namespace}/${running.job} on ${running.cluster} was deleted before it finished`
      : job.state === "failed"
        ? job.why
        : `the prune Job returned a ${job.result.command} result`;
  return { ...rest, phase: "Failed", lastPrune: { result: "Failed", ...finished, message } };
}
