/**
 * What happens during a migration, as events the shell emits in order. The status is a pure
 * function of these (`reduceMigrationStatus`), so the CLI, the controller and tests all see
 * the same status for the same run. Times are ISO-8601 strings from the injected clock.
 */
import type { ObjectRef } from "../kube-object.js";
import type { PrecheckResult } from "../prechecks/types.js";

/** What a restore did with one object (`decideRestoreAction` plus the write's outcome). */
export type ObjectOutcome = "created" | "updated" | "unchanged" | "skipped" | "failed";

export type MigrationEvent =
  | {
      readonly type: "MigrationStarted";
      readonly at: string;
      readonly migration: string;
      readonly sourceCluster: string;
      readonly targets: readonly string[];
    }
  /** Starts (or restarts) pre-checks on a target: its earlier results are replaced. */
  | { readonly type: "PrecheckStarted"; readonly at: string; readonly target: string }
  | { readonly type: "PrecheckResult"; readonly at: string; readonly result: PrecheckResult }
  | {
      readonly type: "PrecheckCompleted";
      readonly at: string;
      readonly proceed: boolean;
      readonly message: string;
    }
  | { readonly type: "BackupStarted"; readonly at: string; readonly cluster: string; readonly name: string }
  | {
      readonly type: "BackupProgress";
      readonly at: string;
      readonly itemsDone: number;
      readonly itemsTotal?: number;
      readonly bytesDone?: number;
    }
  | {
      readonly type: "BackupCompleted";
      readonly at: string;
      readonly id: string;
      readonly objects: number;
      readonly bytes: number;
    }
  | { readonly type: "BackupFailed"; readonly at: string; readonly reason: string }
  | {
      readonly type: "RestoreStarted";
      readonly at: string;
      readonly cluster: string;
      readonly name: string;
      readonly itemsTotal: number;
    }
  | {
      readonly type: "RestoreObjectResult";
      readonly at: string;
      readonly cluster: string;
      readonly object: ObjectRef;
      readonly outcome: ObjectOutcome;
      readonly reason?: string;
    }
  | { readonly type: "RestoreCompleted"; readonly at: string; readonly cluster: string }
  | {
      readonly type: "RestoreFailed";
      readonly at: string;
      readonly cluster: string;
      readonly reason: string;
    };

export type MigrationEventType = MigrationEvent["type"];
