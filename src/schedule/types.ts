import type { PolicyType, ProblemCode } from "../manifests/types.js";
import type { ClockTime } from "./kitchen.js";

/** One thing wrong with a `policy` object; `path` is relative to it (`["weekly", "day"]`). */
export interface PolicyProblem {
  readonly path: (string | number)[];
  readonly message: string;
  readonly code: ProblemCode;
}

/** A policy whose sections parsed: the input of all schedule arithmetic. */
export interface CompiledPolicy {
  /** Canonical IANA name; `UTC` when the policy names none. */
  readonly timeZone: string;
  readonly interval?: { readonly minutes: number };
  readonly daily?: { readonly time: ClockTime };
  readonly weekly?: { readonly weekday: number; readonly time: ClockTime };
  readonly monthly?: { readonly date: number; readonly time: ClockTime };
  readonly cron?: { readonly expression: string };
}

/** The policy types in a fixed order (Stork's four, then the cron extension). */
export const ORDERED_POLICY_TYPES: readonly PolicyType[] = ["interval", "daily", "weekly", "monthly", "cron"];

/** The policy types a compiled policy defines, in `ORDERED_POLICY_TYPES` order. */
export function policyTypesOf(policy: CompiledPolicy): PolicyType[] {
  return ORDERED_POLICY_TYPES.filter((type) => policy[type] !== undefined);
}

export type { PolicyType };
