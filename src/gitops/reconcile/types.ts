import type { DueRun } from "../../schedule/due.js";
import type { ScheduleState } from "../../engine/run/run-schedules.js";
import type {
  DesiredState,
  LoadedObject,
  Migration,
  MigrationSchedule,
  Problem,
  ReplicationRepository,
  SchedulePolicy,
  VolumeGroup,
  VolumeReplication,
} from "../../manifests/types.js";
import type { RepositoryMaintenanceStatus } from "../../volumes/maintenance.js";
import type { VolumeReplicationStatus } from "../../volumes/types.js";
import type { DriftItem, LiveFingerprints } from "./drift.js";
import type { Report } from "./report.js";

/** Where the report of a commit that failed validation lives. */
export const VALIDATION_REPORT_PATH = "status/_validation.yaml";

/** The last reports, by path on the status branch. */
export type StatusRecords = ReadonlyMap<string, Report>;

/** Everything a reconcile decides from: plain data, no I/O. */
export interface PlanInput {
  /** The desired-state commit being reconciled. */
  readonly commit: string;
  /** The loader's result at `commit`. */
  readonly load: {
    readonly valid: boolean;
    readonly problems: readonly Problem[];
    readonly state: DesiredState;
  };
  readonly records: StatusRecords;
  /** Live fingerprints of the targets, per migration report path (only for migrations with an inventory). */
  readonly live: ReadonlyMap<string, LiveFingerprints>;
  readonly now: Date;
}

export type StartReason = "new" | "spec-changed" | "interrupted";

export type ReconcileAction =
  | {
      readonly type: "report-invalid";
      readonly path: string;
      readonly commit: string;
      readonly problems: readonly Problem[];
    }
  | { readonly type: "clear-invalid"; readonly path: string }
  | {
      readonly type: "start-migration";
      readonly path: string;
      readonly object: LoadedObject<Migration>;
      readonly specHash: string;
      readonly reason: StartReason;
    }
  | {
      readonly type: "run-schedule";
      readonly path: string;
      readonly object: LoadedObject<MigrationSchedule>;
      readonly policy: SchedulePolicy | undefined;
      readonly specHash: string;
      /** The schedule's state before the runs (a new schedule starts being honoured now). */
      readonly state: ScheduleState;
      /** Empty for a schedule Ferry only starts recording (new, or its spec changed). */
      readonly due: readonly DueRun[];
    }
  | { readonly type: "report-drift"; readonly path: string; readonly drift: readonly DriftItem[] }
  | {
      /** Every pass: the volume driver decides whether a cycle, a role swap or nothing is due. */
      readonly type: "replicate-volumes";
      readonly path: string;
      readonly object: LoadedObject<VolumeReplication>;
      /** VolumeGroups of the replication's namespace, by name. */
      readonly groups: ReadonlyMap<string, VolumeGroup>;
      readonly policies: ReadonlyMap<string, SchedulePolicy>;
      readonly specHash: string;
      /** The status the last reconcile wrote (undefined the first time). */
      readonly status?: VolumeReplicationStatus;
    }
  | {
      /** A VolumeReplication removed from Git: stop it (the report keeps the spec it ran with). */
      readonly type: "delete-replication";
      readonly path: string;
      readonly replication: VolumeReplication;
      readonly status: VolumeReplicationStatus;
      readonly remediationBranch?: string;
    }
  | {
      /**
       * A repository's scheduled prune: record a new schedule, look at a running prune Job, or
       * start a due one (a locked repository keeps it due, so the next reconcile retries).
       */
      readonly type: "maintain-repository";
      readonly path: string;
      readonly object: LoadedObject<ReplicationRepository>;
      readonly specHash: string;
      /** The status the last reconcile wrote, or a new one starting now. */
      readonly status: RepositoryMaintenanceStatus;
    }
  | {
      readonly type: "forget";
      readonly path: string;
      readonly kind: string;
      /** A remediation branch (and PR) that is no longer needed. */
      readonly remediationBranch?: string;
    };

/** The plan: actions in a stable order (by path), and the paths they are about. */
export interface ReconcilePlan {
  readonly commit: string;
  readonly actions: readonly ReconcileAction[];
}
