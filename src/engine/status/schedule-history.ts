/**
 * A MigrationSchedule's run history (Stork): per policy type, the last successful run and
 * every failed or in-progress run after it. When a run succeeds, older runs of that policy
 * type are pruned — like Stork's pruneMigrations — and their names returned so the shell
 * deletes their run records. `maxFailedRuns` bounds the failures kept while nothing
 * succeeds (Stork keeps them all; Ferry writes history to Git, so it is bounded).
 */
import type { PolicyType } from "../../manifests/types.js";
import type { MigrationPhase } from "./migration-status.js";

export type RunStatus = "InProgress" | "Successful" | "Failed";

export interface ScheduleRun {
  /** `<schedule>-<policy type>-<yyyy-mm-dd-hhmmss>`. */
  readonly name: string;
  readonly creationTimestamp: string;
  readonly finishTimestamp?: string;
  readonly status: RunStatus;
}

export type ScheduleHistory = Readonly<Partial<Record<PolicyType, readonly ScheduleRun[]>>>;

export interface RunEvent {
  readonly policyType: PolicyType;
  readonly name: string;
  /** When this happened: the creation time of a new run, the finish time of a finished one. */
  readonly at: string;
  readonly status: RunStatus;
}

export interface HistoryUpdate {
  readonly history: ScheduleHistory;
  /** Runs dropped from the history, whose records should be deleted. */
  readonly pruned: readonly string[];
}

/** The run status of a migration phase. */
export function runStatusOf(phase: MigrationPhase): RunStatus {
  if (phase === "Completed") return "Successful";
  if (phase === "Pending" || phase === "InProgress") return "InProgress";
  return "Failed";
}

/** The history after `event` (a new run, or a run's new status). */
export function reduceScheduleHistory(
  history: ScheduleHistory,
  event: RunEvent,
  options: { readonly maxFailedRuns?: number } = {},
): HistoryUpdate {
  const runs = [...(history[event.policyType] ?? [])];
  const index = runs.findIndex((r) => r.name === event.name);
  const finished = event.status !== "InProgress";
  if (index < 0) {
    runs.push({
      name: event.name,
      creationTimestamp: event.at,
      ...(finished ? { finishTimestamp: event.at } : {}),
      status: event.status,
    });
  } else {
    const run = runs[index] as ScheduleRun;
    runs[index] = {
      name: run.name,
      creationTimestamp: run.creationTimestamp,
      ...(finished ? { finishTimestamp: event.at } : {}),
      status: event.status,
    };
  }
  runs.sort((a, b) =>
    a.creationTimestamp < b.creationTimestamp ? -1 : a.creationTimestamp > b.creationTimestamp ? 1 : 0,
  );

  const lastSuccess = runs.map((r) => r.status).lastIndexOf("Successful");
  let kept = runs.filter((r, i) => i >= lastSuccess || r.status === "InProgress");
  const maxFailed = options.maxFailedRuns ?? 10;
  const failed = kept.filter((r) => r.status === "Failed");
  if (failed.length > maxFailed) {
    const drop = new Set(failed.slice(0, failed.length - maxFailed).map((r) => r.name));
    kept = kept.filter((r) => !drop.has(r.name));
  }
  const keptNames = new Set(kept.map((r) => r.name));
  return {
    history: { ...history, [event.policyType]: kept },
    pruned: runs.filter((r) => !keptNames.has(r.name)).map((r) => r.name),
  };
}

/**
 * Forgets a deleted schedule: its history goes, and every run it still lists is returned so
 * the shell deletes those run records with it (Stork deletes a schedule's Migrations).
 */
export function forgetRuns(
  histories: Readonly<Record<string, ScheduleHistory>>,
  schedule: string,
): { readonly histories: Record<string, ScheduleHistory>; readonly forgotten: readonly string[] } {
  const { [schedule]: gone, ...rest } = histories;
  const forgotten =
    gone === undefined ? [] : Object.values(gone).flatMap((runs) => (runs ?? []).map((r) => r.name));
  return { histories: rest, forgotten };
}
