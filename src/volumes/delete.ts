/**
 * Deleting a VolumeReplication: stops what runs (Jobs), removes the temporary objects of an
 * unfinished cycle on both sides, and keeps the target's consistent snapshots unless
 * `retainSnapshotsOnDeletion: false`. The claims themselves are never deleted: they hold
 * the applications' data.
 */
import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { errorMessage } from "../core/errors.js";
import type { VolumeReplication } from "../manifests/types.js";
import { TYPES, deleteAll } from "./cluster-objects.js";
import { SNAPSHOT_ROLE_LABEL } from "./cycle.js";
import { CYCLE_LABEL, REPLICATION_LABEL, replicationLabelValue } from "./names.js";
import { StatusBook } from "./status-book.js";
import type { VolumeReplicationStatus } from "./types.js";

export async function deleteReplication(input: {
  readonly replication: VolumeReplication;
  readonly status?: VolumeReplicationStatus;
  readonly clusters: ReadonlyMap<string, ClusterClient>;
  readonly clock: Clock;
}): Promise<VolumeReplicationStatus> {
  const { replication } = input;
  const spec = replication.spec;
  const namespace = replication.metadata.namespace;
  const book = new StatusBook(
    input.status ?? {
      phase: "Idle",
      role: { source: spec.source.cluster, target: spec.target.cluster },
      conditions: [],
    },
    undefined,
  );
  const retain = spec.retainSnapshotsOnDeletion !== false;
  const mine = `${REPLICATION_LABEL}=${replicationLabelValue(replication.metadata.name)}`;
  const problems: string[] = [];
  let deletedSnapshots = 0;
  for (const cluster of new Set([spec.source.cluster, spec.target.cluster])) {
    const client = input.clusters.get(cluster);
    if (client === undefined) {
      problems.push(`no connection is configured for cluster ${cluster}`);
      continue;
    }
    try {
      await deleteAll(client, TYPES.job, namespace, mine);
      await deleteAll(client, TYPES.claim, namespace, `${mine},${CYCLE_LABEL}`);
      await deleteAll(client, TYPES.snapshot, namespace, `${mine},${SNAPSHOT_ROLE_LABEL}=source`);
      if (!retain)
        deletedSnapshots += await deleteAll(
          client,
          TYPES.snapshot,
          namespace,
          `${mine},${SNAPSHOT_ROLE_LABEL}=target`,
        );
    } catch (e) {
      problems.push(`${cluster}: ${errorMessage(e)}`);
    }
  }
  book.update({ phase: "Deleted", cycle: undefined, ...(retain ? {} : { targetSnapshotGroups: undefined }) });
  book.condition(
    problems.length === 0
      ? {
          type: "Deleted",
          status: "True",
          reason: retain ? "SnapshotsRetained" : "SnapshotsDeleted",
          message: retain
            ? "replication stopped; the target's consistent snapshots are kept (retainSnapshotsOnDeletion)"
            : `replication stopped; ${deletedSnapshots} target snapshot(s) deleted`,
        }
      : { type: "Deleted", status: "False", reason: "CleanupIncomplete", message: problems.join("; ") },
    input.clock.now(),
  );
  return book.status;
}
