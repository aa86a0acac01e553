/**
 * The RPO as schedule arithmetic: when a cycle is due, how long one interval is, how far the
 * last consistent copy lags, and when an unreachable source warrants a failover proposal.
 * Pure functions over the replication, its policy and the time.
 */
import type { SchedulePolicy, VolumeReplicationSpec } from "../manifests/types.js";
import {
  compilePolicy,
  dueRuns,
  nextOccurrence,
  policyTypesOf,
  type CompiledPolicy,
} from "../schedule/index.js";

/** The replication's schedule as a compiled policy, or why it has none. */
export function replicationPolicy(
  spec: VolumeReplicationSpec,
  policies: ReadonlyMap<string, SchedulePolicy>,
): { readonly policy?: CompiledPolicy; readonly problem?: string } {
  if (spec.schedule !== undefined) {
    const compiled = compilePolicy({
      cron: spec.schedule,
      ...(spec.timezone === undefined ? {} : { timezone: spec.timezone }),
    });
    if (compiled.policy !== undefined) return { policy: compiled.policy };
    return { problem: `spec.schedule: ${compiled.problems.map((p) => p.message).join("; ")}` };
  }
  if (spec.schedulePolicyName !== undefined) {
    const named = policies.get(spec.schedulePolicyName);
    if (named === undefined) return { problem: `SchedulePolicy ${spec.schedulePolicyName} does not exist` };
    const compiled = compilePolicy(named.policy);
    if (compiled.policy !== undefined) return { policy: compiled.policy };
    return {
      problem: `SchedulePolicy ${spec.schedulePolicyName}: ${compiled.problems.map((p) => p.message).join("; ")}`,
    };
  }
  return { problem: "spec needs schedule or schedulePolicyName" };
}

/** True when a cycle is due: never ran, or an occurrence fell after the last cycle's start. */
export function cycleDue(options: {
  readonly policy: CompiledPolicy;
  readonly name: string;
  readonly now: Date;
  readonly lastCycleStart?: Date;
}): boolean {
  if (options.lastCycleStart === undefined) return true;
  const last = options.lastCycleStart;
  const lastRuns = Object.fromEntries(policyTypesOf(options.policy).map((t) => [t, last]));
  return (
    dueRuns(options.policy, { schedule: options.name, now: options.now, since: last, lastRuns }).length > 0
  );
}

/** One RPO interval in ms: the gap between the next two occurrences after `now`. */
export function rpoIntervalMs(policy: CompiledPolicy, now: Date): number | undefined {
  let best: number | undefined;
  for (const type of policyTypesOf(policy)) {
    const first = nextOccurrence(policy, type, now, { lastRun: now });
    if (first === undefined) continue;
    const second = nextOccurrence(policy, type, first, { lastRun: first });
    if (second === undefined) continue;
    const gap = second.getTime() - first.getTime();
    best = best === undefined ? gap : Math.min(best, gap);
  }
  return best;
}

/** Whether an unreachable source has been gone long enough to propose a failover. */
export function failoverWarranted(options: {
  readonly unreachableSince: Date;
  readonly now: Date;
  readonly rpoMs: number;
  /** RPO intervals of unreachability before a proposal (default 3). */
  readonly intervals?: number;
}): boolean {
  return (
    options.now.getTime() - options.unreachableSince.getTime() >= (options.intervals ?? 3) * options.rpoMs
  );
}
