/**
 * KubeSlice's replication statuses — Error, In Progress, Success — from a Ferry phase, for
 * tables and commit statuses where one word must do.
 */
import type { MigrationPhase } from "./migration-status.js";

export type ReplicationSummary = "Error" | "In Progress" | "Success";

/** KubeSlice's one-word status for a Migration phase. */
export function replicationSummary(phase: MigrationPhase): ReplicationSummary {
  switch (phase) {
    case "Completed":
      return "Success";
    case "Pending":
    case "InProgress":
      return "In Progress";
    case "PrecheckFailed":
    case "PartiallyFailed":
    case "Failed":
      return "Error";
  }
}
