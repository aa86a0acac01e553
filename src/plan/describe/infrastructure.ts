import type {
  Cluster,
  ClusterConnection,
  Fleet,
  ReplicationRepository,
  SchedulePolicy,
} from "../../manifests/types.js";
import { compilePolicy } from "../../schedule/compile.js";
import { describePolicy, describePolicyChange } from "../../schedule/describe.js";
import type { ObjectDiff, PlannedAction } from "../types.js";
import { describeMaintenanceChange, maintenanceText } from "./maintenance.js";
import { changedFields } from "./migration.js";
import { action, list, nextRunSentence, referencesTo, title, type DescribeContext } from "./context.js";

/** How Ferry reaches a cluster, in words (never a secret: connections name files and variables). */
export function connectionText(c: ClusterConnection): string {
  if ("kubeconfig" in c) {
    return `kubeconfig ${c.kubeconfig.path}${c.kubeconfig.context ? ` (context ${c.kubeconfig.context})` : ""}`;
  }
  if ("kubeconfigEnv" in c) return `the kubeconfig in $${c.kubeconfigEnv}`;
  if ("local" in c) return `local cluster ${c.local.name}`;
  return "its in-cluster service account";
}

function stillReferenced(diff: ObjectDiff, ctx: DescribeContext, summary: string): PlannedAction {
  const users = referencesTo(ctx.head, diff.key.kind, diff.key.name);
  return users.length === 0
    ? action(diff, summary)
    : action(diff, `${summary} It is still referenced by ${list(users)}.`, [], "warning");
}

export function describeCluster(diff: ObjectDiff, ctx: DescribeContext): PlannedAction {
  const head = diff.head as Cluster | undefined;
  const base = diff.base as Cluster | undefined;
  if (diff.change === "added" && head) {
    return action(
      diff,
      `${title(head)} is new: it joins fleet ${head.spec.fleet}; Ferry reaches it through ${connectionText(head.spec.connection)}.`,
    );
  }
  if (diff.change === "removed" && base) {
    return stillReferenced(
      diff,
      ctx,
      `${title(base)} removed: Ferry no longer connects to it; nothing on it is deleted.`,
    );
  }
  if (!head || !base) return action(diff, `${diff.key.kind} ${diff.key.name} changed.`);
  const parts: string[] = [];
  if (base.spec.fleet !== head.spec.fleet)
    parts.push(`moves from fleet ${base.spec.fleet} to ${head.spec.fleet}`);
  if (JSON.stringify(base.spec.connection) !== JSON.stringify(head.spec.connection)) {
    parts.push(`Ferry now reaches it through ${connectionText(head.spec.connection)}`);
  }
  if (parts.length === 0) parts.push(`${changedFields(diff).join(", ")} changed`);
  return action(diff, `${title(head)}: ${parts.join("; ")}.`);
}

function membersText(f: Fleet): string {
  if (f.spec.clusters !== undefined) return `clusters ${f.spec.clusters.join(", ")}`;
  const labels = Object.entries(f.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  return labels.length > 0
    ? `the clusters labelled ${labels.join(", ")}`
    : "the clusters its selector matches";
}

export function describeFleet(diff: ObjectDiff, ctx: DescribeContext): PlannedAction {
  const head = diff.head as Fleet | undefined;
  const base = diff.base as Fleet | undefined;
  if (diff.change === "added" && head) return action(diff, `${title(head)} is new: ${membersText(head)}.`);
  if (diff.change === "removed" && base) return stillReferenced(diff, ctx, `${title(base)} removed.`);
  if (!head || !base) return action(diff, `${diff.key.kind} ${diff.key.name} changed.`);
  const was = base.spec.clusters;
  const is = head.spec.clusters;
  if (was !== undefined && is !== undefined) {
    const joined = is.filter((c) => !was.includes(c));
    const left = was.filter((c) => !is.includes(c));
    const parts = [
      ...(joined.length > 0 ? [`${list(joined)} joined`] : []),
      ...(left.length > 0 ? [`${list(left)} left`] : []),
    ];
    if (parts.length > 0) return action(diff, `${title(head)}: ${parts.join("; ")}.`);
  }
  return action(diff, `${title(head)}: now ${membersText(head)} (was ${membersText(base)}).`);
}

function storageText(r: ReplicationRepository): string {
  const where = r.spec.s3
    ? `s3://${r.spec.s3.bucket}/${r.spec.s3.prefix ?? ""}${r.spec.s3.endpoint ? ` at ${r.spec.s3.endpoint}` : ""}`
    : `the folder ${r.spec.filesystem?.path ?? "?"}`;
  return `${where}${r.spec.encryption ? `, encrypted with the key in $${r.spec.encryption.keyEnv}` : ", unencrypted"}`;
}

export function describeRepository(diff: ObjectDiff, ctx: DescribeContext): PlannedAction {
  const head = diff.head as ReplicationRepository | undefined;
  const base = diff.base as ReplicationRepository | undefined;
  if (diff.change === "added" && head) {
    const prune = maintenanceText(head.spec.maintenance);
    return action(diff, `${title(head)} is new: ${storageText(head)}${prune === "" ? "" : `; ${prune}`}.`);
  }
  if (diff.change === "removed" && base) {
    return stillReferenced(diff, ctx, `${title(base)} removed: the data stored in it is not deleted.`);
  }
  if (!head || !base) return action(diff, `${diff.key.kind} ${diff.key.name} changed.`);
  const maintenance = describeMaintenanceChange(base, head);
  if (maintenance !== undefined && storageText(head) === storageText(base)) {
    return action(diff, `${title(head)}: ${maintenance}.`);
  }
  return action(
    diff,
    `${title(head)}: new runs use ${storageText(head)} (was ${storageText(base)}); data already stored stays where it is.`,
    [],
    "warning",
  );
}

export function describeSchedulePolicy(diff: ObjectDiff, ctx: DescribeContext): PlannedAction {
  const head = diff.head as SchedulePolicy | undefined;
  const base = diff.base as SchedulePolicy | undefined;
  const words = (p: SchedulePolicy): string => {
    const compiled = compilePolicy(p.policy).policy;
    return compiled === undefined ? "(invalid)" : describePolicy(compiled);
  };
  if (diff.change === "added" && head) return action(diff, `${title(head)} is new: ${words(head)}.`);
  if (diff.change === "removed" && base) return stillReferenced(diff, ctx, `${title(base)} removed.`);
  if (!head || !base) return action(diff, `${diff.key.kind} ${diff.key.name} changed.`);
  const users = referencesTo(ctx.head, "SchedulePolicy", head.metadata.name);
  const details = users.length > 0 ? [`Affects ${list(users)}.`] : ["No schedule uses it."];
  const next =
    users.length > 0 ? nextRunSentence(compilePolicy(head.policy).policy, ctx.now, false) : undefined;
  if (next) details.push(next);
  const before = compilePolicy(base.policy).policy;
  const after = compilePolicy(head.policy).policy;
  const change =
    before && after ? describePolicyChange(before, after) : `now ${words(head)} (was ${words(base)})`;
  return action(diff, `${title(head)}: ${change || `${changedFields(diff).join(", ")} changed`}.`, details);
}
