import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import type { RemediationMode, SchedulePolicy, VolumeGroup, VolumeReplication } from "../manifests/types.js";
import type { MoverRepositoryAccess } from "./repository-location.js";
import type { StatusBook } from "./status-book.js";
import type { ReplicationEvent, VolumeReplicationStatus } from "./types.js";

/** How the driver runs its Jobs and treats pre-checks; every field has a default. */
export interface DriverOptions {
  /** Ferry's image for mover Jobs (default `ghcr.io/ferry-dev/ferry:dev`). */
  readonly image?: string;
  readonly serviceAccountName?: string;
  /** Plain environment for mover Jobs (e.g. FERRY_FROM_SOURCE on local clusters). */
  readonly moverEnv?: Readonly<Record<string, string>>;
  /** Target snapshot groups kept (default 3). */
  readonly keepTargetSnapshots?: number;
  /** What a too-small target claim leads to (default auto: grow it live). */
  readonly remediation?: RemediationMode;
  readonly storageClassMapping?: Readonly<Record<string, string>>;
  /** Mover pack size (MiB); smaller packs make resuming finer-grained. */
  readonly packSizeMiB?: number;
  /** RPO intervals a source may be unreachable before a failover proposal (default 3). */
  readonly failoverAfterIntervals?: number;
  /** Run a cycle now even if none is due. */
  readonly force?: boolean;
  /** On a role swap with the old source reachable, replicate once more the old way first (default true). */
  readonly finalSync?: boolean;
  /** Job poll interval, ms (default 250). */
  readonly pollMs?: number;
}

export interface ReplicateGroupInput {
  readonly replication: VolumeReplication;
  /** VolumeGroups of the replication's namespace, by name. */
  readonly groups: ReadonlyMap<string, VolumeGroup>;
  readonly clusters: ReadonlyMap<string, ClusterClient>;
  readonly repository: MoverRepositoryAccess;
  /** The status the previous reconcile returned (undefined the first time). */
  readonly status?: VolumeReplicationStatus;
  readonly policies?: ReadonlyMap<string, SchedulePolicy>;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ReplicationEvent) => void;
  readonly options?: DriverOptions;
}

/** One direction of replication: what a cycle reads and writes. */
export interface Direction {
  readonly sourceCluster: string;
  readonly targetCluster: string;
  readonly sourceGroup: string;
  readonly targetGroup: string;
  /** Source claim → target claim. */
  readonly pvcMap: Readonly<Record<string, string>>;
}

/** What each step of replicating a group in one direction works with (cycle, configuration, resize). */
export interface DirectionContext {
  readonly input: ReplicateGroupInput;
  readonly book: StatusBook;
  readonly source: ClusterClient;
  readonly target: ClusterClient;
  readonly direction: Direction;
}

/** The secret holding the mover's environment on each cluster. */
export const MOVER_SECRET = "ferry-volume-mover";
