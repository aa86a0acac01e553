import { describeActions } from "./describe/index.js";
import { diffDesiredStates } from "./diff.js";
import type { Plan, PlanState } from "./types.js";

export interface BuildPlanOptions {
  readonly base: PlanState;
  readonly head: PlanState;
  /** Labels of the two revisions, for the output (`main`, `abc1234`). */
  readonly baseLabel: string;
  readonly headLabel: string;
  /** The time next runs are computed from. */
  readonly now: Date;
}

/** The plan between two desired states: their diff and what Ferry will do about it. */
export function buildPlan(options: BuildPlanOptions): Plan {
  const diff = diffDesiredStates(options.base, options.head);
  const actions = describeActions(diff, { base: options.base, head: options.head, now: options.now });
  return { base: options.baseLabel, head: options.headLabel, diff, actions };
}
