/**
 * MigrationSchedules (Stork): on each tick the caller passes the schedules, their policies
 * and the state it kept from the last tick; every policy type that fell due starts a run
 * named `<schedule>-<type>-<yyyy-mm-dd-hhmmss>`, which is an ordinary `runMigration` whose
 * objects carry the schedule's name (stable across runs). The history per policy type keeps
 * the last success and any failed or in-progress run (H6's reducer); runs it drops, and the
 * runs of schedules that no longer exist, are returned so the caller deletes their records.
 * Runs of one schedule are serialised; different schedules run in parallel with a bound.
 */
import pLimit from "p-limit";
import type { ClusterClient } from "../../cluster/port.js";
import type { Clock } from "../../core/clock.js";
import { errorMessage } from "../../core/errors.js";
import type { ProgressSink } from "../../core/progress.js";
import type { MigrationSchedule, PolicyType, SchedulePolicy } from "../../manifests/types.js";
import type { Repository } from "../../repository/repository.js";
import { compilePolicy } from "../../schedule/compile.js";
import { dueRuns } from "../../schedule/due.js";
import type { MigrationEvent } from "../status/events.js";
import {
  forgetRuns,
  reduceScheduleHistory,
  runStatusOf,
  type ScheduleHistory,
} from "../status/schedule-history.js";
import { runMigration, type MigrationRunResult } from "./run-migration.js";
import type { VolumeDataMover } from "./volume-mover.js";

/** What the caller keeps per schedule between ticks (the status branch, in the controller). */
export interface ScheduleState {
  /** When Ferry started honouring the schedule: calendar occurrences before it are not owed. */
  readonly since: string;
  readonly history: ScheduleHistory;
}

export interface DueScheduleInput {
  readonly schedule: MigrationSchedule;
  /** The SchedulePolicy `spec.schedulePolicyName` names; undefined when it does not exist. */
  readonly policy: SchedulePolicy | undefined;
  /** The schedule's file in the desired-state repo, for remediation proposals. */
  readonly file?: string;
}

export interface RunDueSchedulesOptions {
  readonly schedules: readonly DueScheduleInput[];
  /** The state of the last tick, by `scheduleKey`. */
  readonly state: Readonly<Record<string, ScheduleState>>;
  readonly clusters: ReadonlyMap<string, ClusterClient>;
  /** Opens the ReplicationRepository a run's spec names. */
  readonly repositoryFor: (name: string) => Promise<Repository>;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: (run: string, event: MigrationEvent) => void;
  readonly onProgress?: ProgressSink;
  readonly volumeMover?: VolumeDataMover;
  /** Schedules reconciled at once (default 2). */
  readonly concurrency?: number;
}

export interface ScheduleRunOutcome {
  /** `scheduleKey` of the schedule. */
  readonly schedule: string;
  readonly policyType: PolicyType;
  readonly name: string;
  readonly result?: MigrationRunResult;
  /** When the run could not start (e.g. its repository would not open). */
  readonly error?: string;
}

export interface RunDueSchedulesResult {
  readonly state: Record<string, ScheduleState>;
  readonly runs: readonly ScheduleRunOutcome[];
  /** Run names dropped from a history (older runs of a type that succeeded since): delete their records. */
  readonly pruned: readonly string[];
  /** Runs of schedules that were deleted: delete their records with them (Stork). */
  readonly forgotten: readonly string[];
  /** Schedules that cannot run (missing or invalid policy), like Stork's events on the schedule. */
  readonly problems: readonly { readonly schedule: string; readonly message: string }[];
}

/** `namespace/name`, or `name` without a namespace. */
export function scheduleKey(schedule: {
  readonly metadata: { readonly name: string; readonly namespace?: string };
}): string {
  const { name, namespace } = schedule.metadata;
  return namespace === undefined ? name : `${namespace}/${name}`;
}

/** Starts every run that is due now and returns the new state. */
export async function runDueSchedules(options: RunDueSchedulesOptions): Promise<RunDueSchedulesResult> {
  const { clock } = options;
  const now = clock.now();
  const state: Record<string, ScheduleState> = {};
  const runs: ScheduleRunOutcome[] = [];
  const pruned: string[] = [];
  const problems: { schedule: string; message: string }[] = [];
  const limit = pLimit(options.concurrency ?? 2);

  await Promise.all(
    options.schedules.map((input) =>
      limit(async () => {
        const key = scheduleKey(input.schedule);
        const previous = options.state[key] ?? { since: now.toISOString(), history: {} };
        state[key] = previous;
        if (input.schedule.spec.suspend === true) return;
        const policyName = input.schedule.spec.schedulePolicyName;
        if (input.policy === undefined) {
          problems.push({ schedule: key, message: `SchedulePolicy ${policyName} does not exist` });
          return;
        }
        const compiled = compilePolicy(input.policy.policy);
        if (compiled.policy === undefined) {
          const first = compiled.problems[0]?.message ?? "invalid";
          problems.push({ schedule: key, message: `SchedulePolicy ${policyName} is invalid: ${first}` });
          return;
        }
        const due = dueRuns(compiled.policy, {
          schedule: input.schedule.metadata.name,
          now,
          since: new Date(previous.since),
          lastRuns: lastRuns(previous.history),
        });
        let history = previous.history;
        for (const run of due) {
          if (options.signal?.aborted === true) break;
          const started = reduceScheduleHistory(history, {
            policyType: run.type,
            name: run.name,
            at: now.toISOString(),
            status: "InProgress",
          });
          history = started.history;
          pruned.push(...started.pruned);
          const outcome = await startRun(options, input, key, run.type, run.name);
          runs.push(outcome);
          const finished = reduceScheduleHistory(history, {
            policyType: run.type,
            name: run.name,
            at: clock.now().toISOString(),
            status: outcome.result === undefined ? "Failed" : runStatusOf(outcome.result.status.phase),
          });
          history = finished.history;
          pruned.push(...finished.pruned);
          state[key] = { since: previous.since, history };
        }
      }),
    ),
  );
  const active = new Set(options.schedules.map((s) => scheduleKey(s.schedule)));
  const forgotten = Object.keys(options.state)
    .filter((key) => !active.has(key))
    .flatMap((key) => forgetRuns({ [key]: options.state[key]?.history ?? {} }, key).forgotten);
  return { state, runs, pruned, forgotten, problems };
}

async function startRun(
  options: RunDueSchedulesOptions,
  input: DueScheduleInput,
  key: string,
  policyType: PolicyType,
  name: string,
): Promise<ScheduleRunOutcome> {
  const spec = input.schedule.spec.template.spec;
  const { namespace } = input.schedule.metadata;
  try {
    const repository = await options.repositoryFor(spec.repository);
    const result = await runMigration({
      migration: { metadata: namespace === undefined ? { name } : { name, namespace }, spec },
      owner: input.schedule.metadata.name,
      clusters: options.clusters,
      repository,
      clock: options.clock,
      location: {
        ...(input.file === undefined ? {} : { file: input.file }),
        specPath: ["spec", "template", "spec"],
      },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onEvent === undefined
        ? {}
        : { onEvent: (e: MigrationEvent) => options.onEvent?.(name, e) }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.volumeMover === undefined ? {} : { volumeMover: options.volumeMover }),
    });
    return { schedule: key, policyType, name, result };
  } catch (e) {
    return { schedule: key, policyType, name, error: errorMessage(e) };
  }
}

/** The start of the latest run of each policy type in the history. */
function lastRuns(history: ScheduleHistory): Partial<Record<PolicyType, Date>> {
  const out: Partial<Record<PolicyType, Date>> = {};
  for (const [type, list] of Object.entries(history) as [PolicyType, ScheduleHistory[PolicyType]][]) {
    const latest = (list ?? [])
      .map((r) => r.creationTimestamp)
      .sort()
      .at(-1);
    if (latest !== undefined) out[type] = new Date(latest);
  }
  return out;
}
