import { compilePolicy } from "./compile.js";
import type { PolicyProblem } from "./types.js";

/**
 * Every problem with a SchedulePolicy's `policy` object (Stork's rules: time.Kitchen times,
 * long or short weekdays, monthly date 1–31, intervalMinutes ≥ 1; Ferry's: five-field cron,
 * IANA timezone). Paths are relative to `policy`. Never throws.
 */
export function validateSchedulePolicy(policy: unknown): PolicyProblem[] {
  return [...compilePolicy(policy).problems];
}

export type { PolicyProblem };
