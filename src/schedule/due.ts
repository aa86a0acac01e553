import { nextOccurrence, previousOccurrence } from "./occurrences.js";
import { runName } from "./run-name.js";
import { policyTypesOf, type CompiledPolicy, type PolicyType } from "./types.js";

/** What a schedule's history says, and the time to judge it at. */
export interface DueOptions {
  /** The schedule's name, for run names. */
  readonly schedule: string;
  readonly now: Date;
  /**
   * When the schedule started to be honoured (created, or first seen by Ferry). A calendar
   * section whose last occurrence is older than this and has no run yet is not owed a run.
   */
  readonly since: Date;
  /** The start of the last run of each policy type (Stork keeps these in the schedule's status). */
  readonly lastRuns?: Readonly<Partial<Record<PolicyType, Date>>>;
}

export interface DueRun {
  readonly type: PolicyType;
  /** `<schedule>-<type>-<yyyy-mm-dd-hhmmss>`, stamped with `now` in UTC. */
  readonly name: string;
  /** The occurrence that made it due (for interval: last run + interval, or `now` for the first run). */
  readonly dueAt: Date;
}

/**
 * The policy types due at `now`. Each type triggers independently, as in Stork, so a policy
 * with interval and daily sections may start two runs at once.
 *
 * - interval: due when `now ≥ lastRun + intervalMinutes`; with no run yet, due at once
 *   (Stork compares against a zero last-trigger time, so its first interval run is immediate).
 * - daily, weekly, monthly, cron: due when an occurrence fell after the last run (or after
 *   `since` when there is none) and at or before `now`. Missed occurrences are caught up with
 *   one run, not one per occurrence.
 */
export function dueRuns(policy: CompiledPolicy, options: DueOptions): DueRun[] {
  const due: DueRun[] = [];
  for (const type of policyTypesOf(policy)) {
    const dueAt = dueAtFor(policy, type, options);
    if (dueAt !== undefined) due.push({ type, name: runName(options.schedule, type, options.now), dueAt });
  }
  return due;
}

function dueAtFor(policy: CompiledPolicy, type: PolicyType, options: DueOptions): Date | undefined {
  const lastRun = options.lastRuns?.[type];
  if (type === "interval") {
    if (policy.interval === undefined) return undefined;
    if (lastRun === undefined) return options.now;
    const next = new Date(lastRun.getTime() + policy.interval.minutes * 60_000);
    return next.getTime() <= options.now.getTime() ? next : undefined;
  }
  const anchor = lastRun ?? options.since;
  const previous = previousOccurrence(policy, type, options.now);
  return previous !== undefined && previous.getTime() > anchor.getTime() ? previous : undefined;
}

export interface UpcomingRun {
  readonly type: PolicyType;
  /** `now` when the type is due already. */
  readonly at: Date;
}

/** When each policy type runs next, given the same history as `dueRuns`; sorted by time. */
export function upcomingRuns(policy: CompiledPolicy, options: Omit<DueOptions, "schedule">): UpcomingRun[] {
  const runs = policyTypesOf(policy).flatMap((type): UpcomingRun[] => {
    if (dueAtFor(policy, type, { ...options, schedule: "" }) !== undefined)
      return [{ type, at: options.now }];
    const lastRun = options.lastRuns?.[type];
    const at = nextOccurrence(policy, type, options.now, lastRun === undefined ? {} : { lastRun });
    return at === undefined ? [] : [{ type, at }];
  });
  return runs.sort((a, b) => a.at.getTime() - b.at.getTime());
}
