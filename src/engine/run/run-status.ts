/**
 * The run's status: H6's reduced MigrationStatus plus conditions only the shell knows, such
 * as whether volume data moved (`VolumesReplicated`). Kept separate so the reducer stays a
 * function of events alone.
 */
import type { Condition, MigrationStatus } from "../status/migration-status.js";

export interface RunCondition {
  readonly type: Condition["type"] | "VolumesReplicated";
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export type MigrationRunStatus = Omit<MigrationStatus, "conditions"> & {
  readonly conditions: readonly RunCondition[];
};

/** `status` with `extra` conditions appended (replacing any of the same type). */
export function withRunConditions(
  status: MigrationStatus,
  extra: readonly RunCondition[],
): MigrationRunStatus {
  if (extra.length === 0) return status;
  const types = new Set(extra.map((c) => c.type));
  const last = new Map(extra.map((c) => [c.type, c]));
  return {
    ...status,
    conditions: [...status.conditions.filter((c) => !types.has(c.type)), ...last.values()],
  };
}
