/**
 * The status of a Migration, shaped like Kurator's Migrate status (the source's backup and
 * every target's restore) with KubeSlice's pre-check counts, reduced from events.
 *
 * Phase: Pending before anything happened; PrecheckFailed when pre-checks stopped the run;
 * Failed when the backup failed or every target's restore failed; InProgress until every
 * target's restore has finished; then Completed when all restores completed without a
 * failed object, PartiallyFailed otherwise.
 */
import { formatRef, objectKey, type ObjectRef } from "../kube-object.js";
import type { PrecheckResult } from "../prechecks/types.js";
import { countVerdicts } from "../prechecks/outcome.js";
import type { MigrationEvent, ObjectOutcome } from "./events.js";

export type MigrationPhase =
  "Pending" | "PrecheckFailed" | "InProgress" | "Completed" | "PartiallyFailed" | "Failed";
export type BackupPhase = "InProgress" | "Completed" | "Failed";
export type RestorePhase = "InProgress" | "Completed" | "PartiallyFailed" | "Failed";

export interface Condition {
  readonly type: "PrechecksPassed" | "SourceReady" | "TargetsReady";
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export interface BackupStatus {
  readonly name: string;
  readonly id?: string;
  readonly phase: BackupPhase;
  readonly objects: number;
  readonly bytes: number;
  readonly startTimestamp: string;
  readonly completionTimestamp?: string;
  readonly error?: string;
}

export interface RestoreCounts {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface RestoreStatus {
  readonly name: string;
  readonly phase: RestorePhase;
  readonly itemsTotal: number;
  readonly counts: RestoreCounts;
  /** Failed objects and why (at most `maxErrors`; `omittedErrors` counts the rest). */
  readonly errors: readonly { readonly object: string; readonly reason: string }[];
  readonly omittedErrors?: number;
  readonly startTimestamp: string;
  readonly completionTimestamp?: string;
  readonly error?: string;
}

export interface MigrationStatus {
  readonly phase: MigrationPhase;
  readonly message?: string;
  readonly startTimestamp?: string;
  readonly completionTimestamp?: string;
  readonly conditions: readonly Condition[];
  readonly prechecks?: {
    readonly compatible: number;
    readonly actionable: number;
    readonly incompatible: number;
    readonly results: readonly PrecheckResult[];
  };
  readonly sourceClusterStatus?: { readonly cluster: string; readonly backup?: BackupStatus };
  readonly targetClusterStatus: readonly { readonly cluster: string; readonly restore?: RestoreStatus }[];
  readonly progress: { readonly itemsDone: number; readonly itemsTotal: number; readonly bytesDone: number };
}

export interface ReduceOptions {
  /** Errors kept per target; default 100. */
  readonly maxErrors?: number;
}

interface ObjectResult {
  ref: ObjectRef;
  outcome: ObjectOutcome;
  reason?: string;
}

interface RestoreState {
  name: string;
  itemsTotal: number;
  startTimestamp: string;
  completionTimestamp?: string;
  terminal?: "completed" | "failed";
  error?: string;
  objects: Map<string, ObjectResult>;
}

/** The status after `events`, which must be in the order they happened. */
export function reduceMigrationStatus(
  events: readonly MigrationEvent[],
  options: ReduceOptions = {},
): MigrationStatus {
  let started: string | undefined;
  let sourceCluster: string | undefined;
  const targets: string[] = [];
  const precheckResults = new Map<string, PrecheckResult[]>();
  let precheck: { proceed: boolean; message: string; at: string } | undefined;
  let backup:
    | {
        name: string;
        cluster: string;
        start: string;
        done: number;
        total?: number;
        bytes: number;
        id?: string;
        end?: string;
        error?: string;
        completed: boolean;
      }
    | undefined;
  const restores = new Map<string, RestoreState>();
  const conditions = new Map<Condition["type"], Condition>();
  const setCondition = (
    type: Condition["type"],
    status: Condition["status"],
    reason: string,
    message: string,
    at: string,
  ): void => {
    const previous = conditions.get(type);
    const lastTransitionTime =
      previous !== undefined && previous.status === status ? previous.lastTransitionTime : at;
    conditions.set(type, { type, status, reason, message, lastTransitionTime });
  };
  const addTarget = (cluster: string): void => {
    if (!targets.includes(cluster)) targets.push(cluster);
  };

  for (const e of events) {
    switch (e.type) {
      case "MigrationStarted":
        started ??= e.at;
        sourceCluster = e.sourceCluster;
        e.targets.forEach(addTarget);
        break;
      case "PrecheckStarted":
        started ??= e.at;
        addTarget(e.target);
        precheckResults.set(e.target, []);
        precheck = undefined;
        break;
      case "PrecheckResult": {
        addTarget(e.result.target);
        const list = precheckResults.get(e.result.target);
        if (list === undefined) precheckResults.set(e.result.target, [e.result]);
        else list.push(e.result);
        break;
      }
      case "PrecheckCompleted":
        precheck = { proceed: e.proceed, message: e.message, at: e.at };
        setCondition(
          "PrechecksPassed",
          e.proceed ? "True" : "False",
          e.proceed ? "Passed" : "PrecheckFailed",
          e.message,
          e.at,
        );
        break;
      case "BackupStarted":
        started ??= e.at;
        sourceCluster ??= e.cluster;
        backup = { name: e.name, cluster: e.cluster, start: e.at, done: 0, bytes: 0, completed: false };
        setCondition("SourceReady", "False", "BackupInProgress", `backup ${e.name} started`, e.at);
        break;
      case "BackupProgress":
        if (backup === undefined) break;
        backup.done = e.itemsDone;
        if (e.itemsTotal !== undefined) backup.total = e.itemsTotal;
        if (e.bytesDone !== undefined) backup.bytes = e.bytesDone;
        break;
      case "BackupCompleted":
        if (backup === undefined) break;
        Object.assign(backup, {
          completed: true,
          id: e.id,
          done: e.objects,
          total: e.objects,
          bytes: e.bytes,
          end: e.at,
        });
        setCondition(
          "SourceReady",
          "True",
          "BackupCompleted",
          `backup ${backup.name} holds ${e.objects} objects`,
          e.at,
        );
        break;
      case "BackupFailed":
        if (backup === undefined) break;
        backup.error = e.reason;
        backup.end = e.at;
        setCondition("SourceReady", "False", "BackupFailed", e.reason, e.at);
        break;
      case "RestoreStarted": {
        addTarget(e.cluster);
        // A resumed restore keeps what it already did: object results are keyed by object.
        const previous = restores.get(e.cluster);
        restores.set(e.cluster, {
          name: e.name,
          itemsTotal: e.itemsTotal,
          startTimestamp: previous?.startTimestamp ?? e.at,
          objects: previous?.objects ?? new Map<string, ObjectResult>(),
        });
        break;
      }
      case "RestoreObjectResult": {
        const restore = restores.get(e.cluster);
        if (restore === undefined) break;
        const key = objectKey(e.object);
        // Re-inserted so errors list in the order of their latest attempt.
        restore.objects.delete(key);
        restore.objects.set(key, {
          ref: e.object,
          outcome: e.outcome,
          ...(e.reason === undefined ? {} : { reason: e.reason }),
        });
        break;
      }
      case "RestoreCompleted":
      case "RestoreFailed": {
        const restore = restores.get(e.cluster);
        if (restore === undefined) break;
        restore.terminal = e.type === "RestoreCompleted" ? "completed" : "failed";
        restore.completionTimestamp = e.at;
        if (e.type === "RestoreFailed") restore.error = e.reason;
        else delete restore.error;
        break;
      }
    }
  }

  const maxErrors = options.maxErrors ?? 100;
  const targetStatus = targets.map((cluster) => {
    const state = restores.get(cluster);
    return state === undefined ? { cluster } : { cluster, restore: restoreStatus(state, maxErrors) };
  });
  const lastAt = events.at(-1)?.at;
  const restorePhases = targetStatus.map((t) => t.restore?.phase);
  const allDone = targets.length > 0 && restorePhases.every((p) => p !== undefined && p !== "InProgress");
  if (allDone && lastAt !== undefined) {
    const ok = restorePhases.every((p) => p === "Completed");
    const failedTargets = targetStatus.filter((t) => t.restore?.phase !== "Completed").map((t) => t.cluster);
    setCondition(
      "TargetsReady",
      ok ? "True" : "False",
      ok ? "RestoresCompleted" : "RestoresFailed",
      ok ? `restored to ${targets.join(", ")}` : `restore incomplete on ${failedTargets.join(", ")}`,
      lastAt,
    );
  }

  let phase: MigrationPhase;
  let message: string | undefined;
  if (precheck !== undefined && !precheck.proceed) {
    phase = "PrecheckFailed";
    message = precheck.message;
  } else if (backup?.error !== undefined) {
    phase = "Failed";
    message = `backup failed: ${backup.error}`;
  } else if (allDone) {
    if (restorePhases.every((p) => p === "Completed")) phase = "Completed";
    else if (restorePhases.every((p) => p === "Failed")) phase = "Failed";
    else phase = "PartiallyFailed";
    message = targetStatus.map((t) => `${t.cluster}: ${t.restore?.phase ?? "Pending"}`).join(", ");
  } else {
    phase = started === undefined ? "Pending" : "InProgress";
  }

  const results = [...precheckResults.values()].flat();
  const restoreStates = [...restores.values()];
  const restoreDone = restoreStates.reduce((n, r) => n + r.objects.size, 0);
  const restoreTotal = restoreStates.reduce((n, r) => n + Math.max(r.itemsTotal, r.objects.size), 0);
  const terminal =
    phase === "Completed" || phase === "PartiallyFailed" || phase === "Failed" || phase === "PrecheckFailed";
  const conditionOrder: Condition["type"][] = ["PrechecksPassed", "SourceReady", "TargetsReady"];
  return {
    phase,
    ...(message === undefined ? {} : { message }),
    ...(started === undefined ? {} : { startTimestamp: started }),
    ...(terminal && lastAt !== undefined ? { completionTimestamp: lastAt } : {}),
    conditions: conditionOrder.flatMap((t) => conditions.get(t) ?? []),
    ...(precheckResults.size === 0 ? {} : { prechecks: { ...countVerdicts(results), results } }),
    ...(sourceCluster === undefined
      ? {}
      : {
          sourceClusterStatus: {
            cluster: sourceCluster,
            ...(backup === undefined ? {} : { backup: backupStatus(backup) }),
          },
        }),
    targetClusterStatus: targetStatus,
    progress: {
      itemsDone: (backup?.done ?? 0) + restoreDone,
      itemsTotal: (backup?.total ?? backup?.done ?? 0) + restoreTotal,
      bytesDone: backup?.bytes ?? 0,
    },
  };
}

function backupStatus(b: {
  name: string;
  start: string;
  done: number;
  bytes: number;
  id?: string;
  end?: string;
  error?: string;
  completed: boolean;
}): BackupStatus {
  return {
    name: b.name,
    ...(b.id === undefined ? {} : { id: b.id }),
    phase: b.error !== undefined ? "Failed" : b.completed ? "Completed" : "InProgress",
    objects: b.done,
    bytes: b.bytes,
    startTimestamp: b.start,
    ...(b.end === undefined ? {} : { completionTimestamp: b.end }),
    ...(b.error === undefined ? {} : { error: b.error }),
  };
}

function restoreStatus(state: RestoreState, maxErrors: number): RestoreStatus {
  const counts = { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  const errors: { object: string; reason: string }[] = [];
  for (const { ref, outcome, reason } of state.objects.values()) {
    counts[outcome] += 1;
    if (outcome === "failed") errors.push({ object: formatRef(ref), reason: reason ?? "unknown error" });
  }
  let phase: RestorePhase = "InProgress";
  if (state.terminal === "failed") phase = "Failed";
  else if (state.terminal === "completed") phase = counts.failed > 0 ? "PartiallyFailed" : "Completed";
  const omitted = errors.length - maxErrors;
  return {
    name: state.name,
    phase,
    itemsTotal: state.itemsTotal,
    counts,
    errors: errors.slice(0, maxErrors),
    ...(omitted > 0 ? { omittedErrors: omitted } : {}),
    startTimestamp: state.startTimestamp,
    ...(state.completionTimestamp === undefined ? {} : { completionTimestamp: state.completionTimestamp }),
    ...(state.error === undefined ? {} : { error: state.error }),
  };
}
