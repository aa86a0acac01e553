import type { VolumeGroup, VolumeReplication } from "../../manifests/types.js";
import { compilePolicy } from "../../schedule/compile.js";
import type { ObjectDiff, PlannedAction } from "../types.js";
import { describeCapacityChange } from "./capacity.js";
import { changedFields } from "./migration.js";
import { describeRetentionChange } from "./retention.js";
import {
  action,
  list,
  nextRunSentence,
  objectsOf,
  plural,
  policyNamed,
  policyPhrase,
  title,
  type DescribeContext,
} from "./context.js";

/** A VolumeGroup: a consistency group of PVCs (Diamanti PVCGroup). */
export function describeVolumeGroup(diff: ObjectDiff, ctx: DescribeContext): PlannedAction {
  const head = diff.head as VolumeGroup | undefined;
  const base = diff.base as VolumeGroup | undefined;
  const replications = objectsOf(ctx.head, "VolumeReplication");
  if (diff.change === "added" && head) {
    const capacity = describeCapacityChange(undefined, head, replications);
    return action(
      diff,
      `${title(head)} is new: a consistency group of ${plural(head.spec.pvcs.length, "PVC")} (${head.spec.pvcs.join(", ")})${capacity.parts.length > 0 ? `; ${capacity.parts.join("; ")}` : ""}.`,
      capacity.details,
    );
  }
  if (diff.change === "removed" && base) {
    return action(
      diff,
      `${title(base)} removed: its PVCs are no longer snapshotted together; the PVCs themselves stay.`,
    );
  }
  if (!head || !base) return action(diff, `${diff.key.kind} ${diff.key.name} changed.`);
  const added = head.spec.pvcs.filter((p) => !base.spec.pvcs.includes(p));
  const removed = base.spec.pvcs.filter((p) => !head.spec.pvcs.includes(p));
  const parts: string[] = [];
  if (added.length > 0) parts.push(`PVCs added: ${list(added)}`);
  if (removed.length > 0) parts.push(`PVCs removed: ${list(removed)}`);
  const capacity = describeCapacityChange(base, head, replications);
  parts.push(...capacity.parts);
  if (parts.length === 0) parts.push(`${changedFields(diff).join(", ")} changed`);
  const users = replications
    .filter(
      (r) =>
        r.metadata.namespace === head.metadata.namespace &&
        (r.spec.source.volumeGroup === head.metadata.name ||
          r.spec.target.volumeGroup === head.metadata.name),
    )
    .map(title);
  return action(
    diff,
    `${title(head)}: ${parts.join("; ")}.`,
    [...capacity.details, ...(users.length > 0 ? [`Replicated by ${list(users)}.`] : [])],
    capacity.severity,
  );
}

/** A VolumeReplication: one manifest for the pair; swapping source and target is a failover. */
export function describeVolumeReplication(diff: ObjectDiff, ctx: DescribeContext): PlannedAction {
  const head = diff.head as VolumeReplication | undefined;
  const base = diff.base as VolumeReplication | undefined;
  if (diff.change === "added" && head) {
    const group = objectsOf(ctx.head, "VolumeGroup").find(
      (g) =>
        g.metadata.namespace === head.metadata.namespace && g.metadata.name === head.spec.source.volumeGroup,
    );
    const size = group === undefined ? "" : ` (${plural(group.spec.pvcs.length, "PVC")})`;
    const scope = `volume group ${head.spec.source.volumeGroup}${size} from ${head.spec.source.cluster} to ${head.spec.target.cluster}`;
    if (head.spec.suspend) {
      return action(
        diff,
        `${title(head)} is new but suspended: it would replicate ${scope} ${when(head, ctx)}.`,
      );
    }
    const next = nextRunSentence(scheduleOf(head, ctx), ctx.now, true);
    return action(
      diff,
      `${title(head)} is new: Ferry will replicate ${scope} ${when(head, ctx)}.`,
      next === undefined ? [] : [next],
    );
  }
  if (diff.change === "removed" && base) {
    const retain = base.spec.retainSnapshotsOnDeletion ?? true;
    return retain
      ? action(
          diff,
          `${title(base)} removed: replication stops; target snapshots on ${base.spec.target.cluster} are retained because retainSnapshotsOnDeletion is true.`,
        )
      : action(
          diff,
          `${title(base)} removed: replication stops and the target snapshots on ${base.spec.target.cluster} are deleted (retainSnapshotsOnDeletion is false).`,
          [],
          "warning",
        );
  }
  if (!head || !base) return action(diff, `${diff.key.kind} ${diff.key.name} changed.`);

  const parts: string[] = [];
  const details: string[] = [];
  let severity: PlannedAction["severity"] = "info";
  const swapped =
    base.spec.source.cluster === head.spec.target.cluster &&
    base.spec.target.cluster === head.spec.source.cluster &&
    base.spec.source.cluster !== base.spec.target.cluster;
  if (swapped) {
    parts.push(
      `source and target swapped — this is a failover (or failback): ${head.spec.source.cluster} becomes the source and ${head.spec.target.cluster} the target`,
    );
    severity = "warning";
  } else {
    if (base.spec.source.cluster !== head.spec.source.cluster) {
      parts.push(`source moves from ${base.spec.source.cluster} to ${head.spec.source.cluster}`);
      severity = "warning";
    }
    if (base.spec.target.cluster !== head.spec.target.cluster) {
      parts.push(
        `target moves from ${base.spec.target.cluster} to ${head.spec.target.cluster}: replication to ${base.spec.target.cluster} stops and starts anew to ${head.spec.target.cluster}`,
      );
      severity = "warning";
    }
  }
  if (whenText(base) !== whenText(head))
    parts.push(`schedule changed from ${whenText(base)} to ${whenText(head)}`);
  const wasSuspended = base.spec.suspend ?? false;
  const suspended = head.spec.suspend ?? false;
  if (!wasSuspended && suspended) {
    parts.push("suspended: no new transfers start until spec.suspend is false, so the recovery point ages");
    severity = "warning";
  }
  if (wasSuspended && !suspended) parts.push("resumed");
  const pvcChanges = pvcMapChanges(base.spec.pvcMap, head.spec.pvcMap);
  if (pvcChanges.length > 0) parts.push(`PVC map changed (${pvcChanges.join(", ")})`);
  const retainBefore = base.spec.retainSnapshotsOnDeletion ?? true;
  const retainAfter = head.spec.retainSnapshotsOnDeletion ?? true;
  if (retainBefore !== retainAfter) {
    parts.push(
      retainAfter
        ? "target snapshots will be kept if this replication is deleted"
        : "target snapshots will be deleted if this replication is deleted",
    );
  }
  const retention = describeRetentionChange(base, head);
  if (retention !== undefined) {
    parts.push(retention.part);
    if (retention.severity === "warning") severity = "warning";
  }
  if (parts.length === 0) parts.push(`${changedFields(diff).join(", ")} changed`);
  if (!suspended) {
    const next = nextRunSentence(scheduleOf(head, ctx), ctx.now, false);
    if (next) details.push(next);
  }
  return action(diff, `${title(head)}: ${parts.join("; ")}.`, details, severity);
}

function whenText(r: VolumeReplication): string {
  if (r.spec.schedule !== undefined) {
    return `cron "${r.spec.schedule}"${r.spec.timezone && r.spec.timezone !== "UTC" ? ` (${r.spec.timezone})` : ""}`;
  }
  return `policy ${r.spec.schedulePolicyName ?? "(none)"}`;
}

function when(r: VolumeReplication, ctx: DescribeContext): string {
  if (r.spec.schedule !== undefined) return `on ${whenText(r)}`;
  return `on ${policyPhrase(ctx.head, r.spec.schedulePolicyName ?? "")}`;
}

function scheduleOf(r: VolumeReplication, ctx: DescribeContext) {
  if (r.spec.schedule !== undefined) {
    return compilePolicy({ cron: r.spec.schedule, ...(r.spec.timezone ? { timezone: r.spec.timezone } : {}) })
      .policy;
  }
  return r.spec.schedulePolicyName === undefined
    ? undefined
    : policyNamed(ctx.head, r.spec.schedulePolicyName);
}

function pvcMapChanges(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  for (const [source, target] of Object.entries(after)) {
    const old = before[source];
    if (old === undefined) out.push(`+${source} → ${target}`);
    else if (old !== target) out.push(`${source} → ${target} (was ${old})`);
  }
  for (const [source, target] of Object.entries(before)) {
    if (!(source in after)) out.push(`−${source} → ${target}`);
  }
  return out;
}
