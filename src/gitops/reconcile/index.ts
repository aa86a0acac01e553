/** The pure core of a reconcile: reports, drift and the plan. */
export { planReconcile, reportPath } from "./plan.js";
export { specHash } from "./spec-hash.js";
export {
  renderReport,
  parseReport,
  type Report,
  type MigrationReport,
  type ScheduleReport,
  type ValidationReport,
  type RemediationRecord,
} from "./report.js";
export {
  compareInventory,
  inventoryItem,
  inventoryKey,
  liveFingerprint,
  sameDrift,
  type DriftItem,
  type InventoryItem,
  type LiveFingerprints,
} from "./drift.js";
export {
  VALIDATION_REPORT_PATH,
  type PlanInput,
  type ReconcileAction,
  type ReconcilePlan,
  type StartReason,
  type StatusRecords,
} from "./types.js";
