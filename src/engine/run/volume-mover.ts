/**
 * The seam for volume *data*. The resource engine moves PVC objects; with
 * `includeVolumes: true` it asks a VolumeDataMover to copy each claim's data through the
 * replication repository. The volume replication driver (src/volumes, src/mover) implements
 * this port; until one is passed to `runMigration`, the status says plainly that volume
 * data was not moved.
 *
 * Contract:
 * - `backupVolumes` runs after the resource backup is stored, on the source. It snapshots the
 *   data of every claim in `claims` (source names, source namespaces) into `repository` and
 *   returns one snapshot per claim it copied. It must be resumable (a repeated call after a
 *   crash reuses what was already uploaded) and honour `signal`.
 * - `restoreVolumes` runs on each target after the claims exist there (the PVC tier of the
 *   restore), before workloads start. `claims` maps each snapshot to the claim it fills on
 *   that target (after namespace mapping). It must not overwrite data of a claim Ferry did
 *   not create.
 * - Both report progress (bytes) through `onProgress` and throw FerryError on failure; the
 *   engine records the failure in status and fails that target's restore.
 */
import type { ProgressSink } from "../../core/progress.js";
import type { ClusterClient } from "../../cluster/port.js";
import type { Repository } from "../../repository/repository.js";
import type { KubeObject } from "../kube-object.js";

export interface VolumeSnapshotRef {
  /** The source claim, `namespace/name`. */
  readonly claim: string;
  /** The snapshot id in the repository (`snapshots/…`). */
  readonly snapshot: string;
  readonly bytes: number;
}

export interface BackupVolumesInput {
  readonly source: ClusterClient;
  /** The exported claims, as on the source. */
  readonly claims: readonly KubeObject[];
  readonly repository: Repository;
  /** The resource backup these snapshots belong to. */
  readonly backup: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressSink;
}

export interface RestoreVolumesInput {
  readonly target: ClusterClient;
  readonly repository: Repository;
  /** Each snapshot with the claim it fills on this target, `namespace/name` after mapping. */
  readonly volumes: readonly { readonly snapshot: VolumeSnapshotRef; readonly targetClaim: string }[];
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressSink;
}

export interface VolumeDataMover {
  backupVolumes(input: BackupVolumesInput): Promise<readonly VolumeSnapshotRef[]>;
  restoreVolumes(input: RestoreVolumesInput): Promise<void>;
}
