/** Schedule arithmetic: pure functions of a SchedulePolicy and the time, no I/O. */
export { compilePolicy } from "./compile.js";
export { validateSchedulePolicy } from "./validate.js";
export { nextOccurrence, previousOccurrence, type OccurrenceOptions } from "./occurrences.js";
export { dueRuns, upcomingRuns, type DueOptions, type DueRun, type UpcomingRun } from "./due.js";
export { runName } from "./run-name.js";
export { parseKitchen, formatKitchen, type ClockTime } from "./kitchen.js";
export { parseWeekday, WEEKDAY_NAMES } from "./weekday.js";
export { instantOf, wallTimeAt, canonicalTimeZone, DEFAULT_TIME_ZONE } from "./timezone.js";
export {
  ORDERED_POLICY_TYPES,
  policyTypesOf,
  type CompiledPolicy,
  type PolicyProblem,
  type PolicyType,
} from "./types.js";
export { describePolicy, describePolicyChange, describeSections, formatInstant } from "./describe.js";
