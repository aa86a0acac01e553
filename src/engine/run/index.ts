/** The engine's imperative shell: what the CLI and the GitOps controller call. */
export {
  runMigration,
  type MigrationInput,
  type MigrationRunResult,
  type RunMigrationOptions,
} from "./run-migration.js";
export { withRunConditions, type MigrationRunStatus, type RunCondition } from "./run-status.js";
export { exportResources, type ExportInput, type ExportResult } from "./export.js";
export { runPrechecks, type PrecheckRun, type PrecheckRunInput } from "./run-prechecks.js";
export { observeTarget, type ObserveInput, type ObservedTarget } from "./observe-target.js";
export { restoreToTarget, type RestoreInput, type RestoreSummary } from "./restore.js";
export { waitCrdsEstablished } from "./wait-crds.js";
export { backupName, uniqueBackupName } from "./backup-name.js";
export type {
  VolumeDataMover,
  VolumeSnapshotRef,
  BackupVolumesInput,
  RestoreVolumesInput,
} from "./volume-mover.js";
export {
  runDueSchedules,
  scheduleKey,
  type DueScheduleInput,
  type RunDueSchedulesOptions,
  type RunDueSchedulesResult,
  type ScheduleRunOutcome,
  type ScheduleState,
} from "./run-schedules.js";
