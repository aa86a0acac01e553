import type { Direction, ReplicateGroupInput } from "./context.js";
import type { VolumeReplicationStatus } from "./types.js";

/** The status of a replication never reconciled: roles as the manifest says. */
export function initialStatus(input: Pick<ReplicateGroupInput, "replication">): VolumeReplicationStatus {
  const spec = input.replication.spec;
  return {
    phase: "Idle",
    role: { source: spec.source.cluster, target: spec.target.cluster },
    conditions: [],
  };
}

/** The manifest's direction: source → target through pvcMap. */
export function directionOf(input: Pick<ReplicateGroupInput, "replication">): Direction {
  const spec = input.replication.spec;
  return {
    sourceCluster: spec.source.cluster,
    targetCluster: spec.target.cluster,
    sourceGroup: spec.source.volumeGroup,
    targetGroup: spec.target.volumeGroup,
    pvcMap: spec.pvcMap,
  };
}
