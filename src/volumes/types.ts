/**
 * The status of one VolumeReplication, as the driver records it. Plain data: the controller
 * stores it (status branch) and passes it back on the next reconcile, which is how a cycle
 * interrupted at any state resumes where it stopped.
 */

/** The driver's states, in order (Diamanti's replication driver, in Ferry's terms). */
export const CYCLE_STATES = [
  "Connect",
  "ConfigurationReconciliation",
  "Snapshot",
  "Transfer",
  "TargetCommit",
  "Cleanup",
] as const;
export type CycleState = (typeof CYCLE_STATES)[number];

export type ReplicationPhase =
  "Idle" | "Replicating" | "Suspended" | "Blocked" | "Failed" | "FailingOver" | "Resizing" | "Deleted";

/** One PVC pair in a cycle. */
export interface PvcCycleStatus {
  readonly sourcePvc: string;
  readonly targetPvc: string;
  /** The source VolumeSnapshot of this cycle. */
  readonly volumeSnapshot: string;
  /** The temporary claim restored from the snapshot that the backup Job reads. */
  readonly snapshotClaim: string;
  /** The mover snapshot id in the repository, once the backup completed. */
  readonly snapshotId?: string;
  readonly bytesRead?: number;
  readonly bytesSent?: number;
  /** True once the restore into the target claim completed. */
  readonly restored?: boolean;
}

export interface CycleStatus {
  /** `<replication>-<yyyymmddhhmmss>`: names the cycle's snapshots and Jobs. */
  readonly id: string;
  readonly startedAt: string;
  readonly state: CycleState;
  /** Incremented on every resume: Job names carry it so a rerun never meets a finished Job. */
  readonly attempt: number;
  /** The source snapshots' creation time: the instant the consistent copy will stand for. */
  readonly snapshotTime?: string;
  readonly pvcs: readonly PvcCycleStatus[];
  /** The cluster the cycle reads from (cycles are tied to a direction). */
  readonly sourceCluster: string;
  readonly targetCluster: string;
}

export interface PvcCopyStatus {
  readonly sourcePvc: string;
  readonly targetPvc: string;
  readonly snapshotId: string;
  readonly bytesRead: number;
  readonly bytesSent: number;
}

/** The last complete transfer of the whole group: the copy a failover brings live. */
export interface ConsistentCopy {
  readonly cycle: string;
  /** The source snapshots' creation time (what the copy stands for). */
  readonly time: string;
  readonly sourceCluster: string;
  readonly targetCluster: string;
  /** The target VolumeSnapshot group (label `ferry.dev/group-snapshot`) taken after the transfer. */
  readonly targetSnapshotGroup: string;
  readonly pvcs: readonly PvcCopyStatus[];
}

export interface CycleResult {
  readonly id: string;
  readonly result: "Succeeded" | "Failed";
  readonly state: CycleState;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly message?: string;
  readonly bytesRead: number;
  readonly bytesSent: number;
  /** Older mover snapshots of this replication forgotten after the cycle (absent when the forget failed). */
  readonly snapshotsForgotten?: number;
}

export interface ReplicationCondition {
  readonly type: string;
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

/** A configuration pre-check (Diamanti's configuration reconciliation), sorted as KubeSlice does. */
export interface VolumePrecheck {
  readonly verdict: "compatible" | "actionable" | "incompatible";
  readonly reason: string;
  readonly message: string;
  /** For actionable checks: what fixes it. */
  readonly remediation?: GrowClaimRemediation;
}

export interface GrowClaimRemediation {
  readonly action: "grow-claim";
  readonly cluster: string;
  readonly namespace: string;
  readonly claim: string;
  readonly from: string;
  readonly to: string;
  /** `applied` when done live (auto), `proposed` when left to a pull request. */
  readonly state: "applied" | "proposed" | "refused";
}

export interface FailoverProposal {
  readonly reason: string;
  readonly unreachableSince: string;
  /** The roles after the proposed swap. */
  readonly source: string;
  readonly target: string;
}

export interface VolumeReplicationStatus {
  readonly phase: ReplicationPhase;
  /** Which side is the source (what a role-swap commit is compared against). */
  readonly role: { readonly source: string; readonly target: string };
  /** An unfinished cycle; the next reconcile resumes it. */
  readonly cycle?: CycleStatus;
  readonly lastCycle?: CycleResult;
  readonly lastConsistent?: ConsistentCopy;
  /** True while a restore may have left a target claim between two copies. */
  readonly targetDirty?: boolean;
  /** The target snapshot groups kept, oldest first. */
  readonly targetSnapshotGroups?: readonly { readonly cluster: string; readonly group: string }[];
  /** A resize in progress: cycles wait until both sides have grown. */
  readonly resize?: {
    readonly sizes: Readonly<Record<string, string>>;
    readonly startedAt: string;
    /** `capacity` when the source VolumeGroup's spec.capacity asked for it (absent: `ferry replicate --resize`). */
    readonly requestedBy?: "capacity";
  };
  /** The source VolumeGroup's spec.capacity as last compared with the live claims. */
  readonly capacity?: Readonly<Record<string, string>>;
  /** Seconds between now and the last consistent copy, and the RPO it is measured against. */
  readonly lagSeconds?: number;
  readonly rpoSeconds?: number;
  readonly sourceUnreachableSince?: string;
  readonly failoverProposal?: FailoverProposal;
  readonly prechecks?: readonly VolumePrecheck[];
  /** Workloads on this cluster still need stopping (it became the target while unreachable). */
  readonly pendingStop?: string;
  readonly conditions: readonly ReplicationCondition[];
}

/** Events the driver reports as it goes: state transitions, Job progress, outcomes. */
export type ReplicationEvent =
  | { readonly type: "State"; readonly cycle: string; readonly state: CycleState; readonly at: string }
  | {
      readonly type: "Progress";
      readonly cycle: string;
      readonly pvc: string;
      readonly task: "backup" | "restore";
      readonly bytesDone: number;
      readonly bytesTotal?: number;
    }
  | { readonly type: "Status"; readonly status: VolumeReplicationStatus }
  | { readonly type: "Message"; readonly message: string; readonly at: string };
