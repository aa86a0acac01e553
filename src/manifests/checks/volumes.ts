import { parseDuration } from "../../mover/retention.js";
import type { FieldPath, LoadedObject, VolumeReplication } from "../types.js";
import type { CheckContext } from "./context.js";
import { problemAt } from "./problem.js";

/**
 * Volume replications: both clusters and groups exist, the two ends differ, the pvcMap
 * maps every PVC of the source group onto a distinct PVC of the target group and nothing
 * else, and `retention.keepWithin` is a duration. (A group's size and uniqueness are schema rules.)
 */
export function checkVolumes(ctx: CheckContext): void {
  for (const replication of ctx.state.list("VolumeReplication")) checkReplication(ctx, replication);
}

function checkReplication(ctx: CheckContext, replication: LoadedObject<VolumeReplication>): void {
  const { spec, metadata } = replication.manifest;
  const { namespace } = metadata;
  for (const side of ["source", "target"] as const) {
    ctx.resolves(replication, ["spec", side, "cluster"], "Cluster", spec[side].cluster);
  }
  // Within one cluster a replication is a copy into a second group (a warm copy in dev);
  // onto the very same group it would overwrite its own source.
  if (spec.source.cluster === spec.target.cluster && spec.source.volumeGroup === spec.target.volumeGroup) {
    ctx.report(
      problemAt(
        replication,
        ["spec", "target"],
        "target-is-source",
        `source and target are both VolumeGroup ${spec.source.volumeGroup} on cluster ${spec.source.cluster}`,
      ),
    );
  }
  if (spec.schedulePolicyName !== undefined) {
    ctx.resolves(replication, ["spec", "schedulePolicyName"], "SchedulePolicy", spec.schedulePolicyName);
  }
  if (spec.repository !== undefined) {
    ctx.resolves(replication, ["spec", "repository"], "ReplicationRepository", spec.repository);
  }
  const keepWithin = spec.retention?.keepWithin;
  if (keepWithin !== undefined) {
    // The parser of `ferry mover forget --keep-within`, so what validates is what the Job accepts.
    const parsed = parseDuration(keepWithin);
    if (!parsed.ok) {
      ctx.report(problemAt(replication, ["spec", "retention", "keepWithin"], "invalid-value", parsed.error));
    }
  }
  const groupOf = (side: "source" | "target") =>
    ctx.resolves(replication, ["spec", side, "volumeGroup"], "VolumeGroup", spec[side].volumeGroup, namespace)
      ? ctx.state.get("VolumeGroup", spec[side].volumeGroup, namespace)
      : undefined;
  const source = groupOf("source");
  const target = groupOf("target");

  const sourcePvcs = new Set(source?.manifest.spec.pvcs ?? []);
  const targetPvcs = new Set(target?.manifest.spec.pvcs ?? []);
  const mappedTo = new Map<string, string>();
  const pvcMapProblem = (path: FieldPath, message: string): void =>
    ctx.report(problemAt(replication, path, "pvc-map", message));
  for (const [from, to] of Object.entries(spec.pvcMap)) {
    if (source !== undefined && !sourcePvcs.has(from)) {
      pvcMapProblem(
        ["spec", "pvcMap", from],
        `PVC ${from} is not in source VolumeGroup ${spec.source.volumeGroup}`,
      );
    }
    if (target !== undefined && !targetPvcs.has(to)) {
      pvcMapProblem(
        ["spec", "pvcMap", from],
        `PVC ${to} is not in target VolumeGroup ${spec.target.volumeGroup}`,
      );
    }
    const previous = mappedTo.get(to);
    if (previous !== undefined) {
      pvcMapProblem(["spec", "pvcMap", from], `PVCs ${previous} and ${from} both map to ${to}`);
    }
    mappedTo.set(to, from);
  }
  for (const pvc of sourcePvcs) {
    if (!Object.hasOwn(spec.pvcMap, pvc)) {
      pvcMapProblem(
        ["spec", "pvcMap"],
        `PVC ${pvc} of source VolumeGroup ${spec.source.volumeGroup} is not mapped`,
      );
    }
  }
  for (const pvc of targetPvcs) {
    if (!mappedTo.has(pvc)) {
      pvcMapProblem(
        ["spec", "pvcMap"],
        `PVC ${pvc} of target VolumeGroup ${spec.target.volumeGroup} is not mapped onto`,
      );
    }
  }
}
