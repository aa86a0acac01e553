import type { Migration, MigrationSchedule } from "../../manifests/types.js";
import { formatPath } from "../diff.js";
import type { ObjectDiff, PlannedAction } from "../types.js";
import {
  action,
  list,
  migrationDetails,
  migrationScope,
  nextRunSentence,
  policyNamed,
  policyPhrase,
  title,
  type DescribeContext,
} from "./context.js";

/** A one-shot Migration (Kurator Migrate). */
export function describeMigration(diff: ObjectDiff): PlannedAction {
  const head = diff.head as Migration | undefined;
  const base = diff.base as Migration | undefined;
  if (diff.change === "added" && head) {
    return action(
      diff,
      `${title(head)} is new: Ferry will migrate ${migrationScope(head.spec)}.`,
      migrationDetails(head.spec),
    );
  }
  if (diff.change === "removed" && base) {
    return action(
      diff,
      `${title(base)} removed: Ferry stops reconciling it; nothing is deleted on the clusters.`,
    );
  }
  if (!head || !base) return action(diff, `${diff.key.kind} ${diff.key.name} changed.`);
  const specFields = changedFields(diff, "spec");
  if (specFields.length === 0) {
    return action(
      diff,
      `${title(head)}: only metadata changed (${changedFields(diff).join(", ")}); nothing to run.`,
    );
  }
  const details = [...targetChanges(base.spec.targets, head.spec.targets), ...migrationDetails(head.spec)];
  return action(
    diff,
    `${title(head)} changed (${specFields.join(", ")}): Ferry will run it again with the new spec, migrating ${migrationScope(head.spec)}.`,
    details,
  );
}

/** A MigrationSchedule (Stork): a policy and a migration template. */
export function describeMigrationSchedule(diff: ObjectDiff, ctx: DescribeContext): PlannedAction {
  const head = diff.head as MigrationSchedule | undefined;
  const base = diff.base as MigrationSchedule | undefined;
  if (diff.change === "added" && head) {
    const scope = migrationScope(head.spec.template.spec);
    const policy = policyPhrase(ctx.head, head.spec.schedulePolicyName);
    if (head.spec.suspend) {
      return action(
        diff,
        `${title(head)} is new but suspended: no runs start until spec.suspend is false (it would migrate ${scope} on ${policy}).`,
      );
    }
    const next = nextRunSentence(policyNamed(ctx.head, head.spec.schedulePolicyName), ctx.now, true);
    return action(diff, `${title(head)} is new: Ferry will migrate ${scope} on ${policy}.`, [
      ...(next ? [next] : []),
      ...migrationDetails(head.spec.template.spec),
    ]);
  }
  if (diff.change === "removed" && base) {
    return action(
      diff,
      `${title(base)} removed: no new runs start; earlier runs' results on the clusters stay.`,
    );
  }
  if (!head || !base) return action(diff, `${diff.key.kind} ${diff.key.name} changed.`);

  const parts: string[] = [];
  const details: string[] = [];
  let severity: PlannedAction["severity"] = "info";
  const nextPolicy = policyNamed(ctx.head, head.spec.schedulePolicyName);
  if (base.spec.schedulePolicyName !== head.spec.schedulePolicyName) {
    parts.push(
      `policy changed from ${base.spec.schedulePolicyName} to ${policyPhrase(ctx.head, head.spec.schedulePolicyName)}`,
    );
  }
  const wasSuspended = base.spec.suspend ?? false;
  const suspended = head.spec.suspend ?? false;
  if (!wasSuspended && suspended) {
    parts.push("suspended: no new runs start until spec.suspend is false");
    severity = "warning";
  } else if (wasSuspended && !suspended) {
    parts.push("resumed");
  }
  const templateFields = changedFields(diff, "spec", "template", "spec");
  if (templateFields.length > 0) {
    parts.push(
      `runs from now on migrate ${migrationScope(head.spec.template.spec)} (changed: ${templateFields.join(", ")})`,
    );
    details.push(...targetChanges(base.spec.template.spec.targets, head.spec.template.spec.targets));
  }
  if (parts.length === 0) parts.push(`${changedFields(diff).join(", ")} changed`);
  if (!suspended) {
    const next = nextRunSentence(nextPolicy, ctx.now, false);
    if (next) details.push(next);
  }
  return action(diff, `${title(head)}: ${parts.join("; ")}.`, details, severity);
}

function targetChanges(
  before: readonly { cluster: string }[] = [],
  after: readonly { cluster: string }[] = [],
): string[] {
  const was = new Set(before.map((t) => t.cluster));
  const is = new Set(after.map((t) => t.cluster));
  const added = [...is].filter((c) => !was.has(c));
  const dropped = [...was].filter((c) => !is.has(c));
  const out: string[] = [];
  if (added.length > 0) out.push(`New target${added.length > 1 ? "s" : ""}: ${list(added)}.`);
  if (dropped.length > 0) {
    out.push(`No longer a target: ${list(dropped)} (what was restored there is left in place).`);
  }
  return out;
}

/**
 * The changed fields under `prefix`, named one level below it (at least two deep:
 * `spec.targets`, `spec.template.spec.namespaces`), without repeats.
 */
export function changedFields(diff: ObjectDiff, ...prefix: string[]): string[] {
  const depth = Math.max(2, prefix.length + 1);
  const names = diff.fields
    .filter((f) => prefix.every((p, i) => f.path[i] === p))
    .map((f) => formatPath(f.path.slice(0, depth).filter((p) => typeof p === "string")));
  return [...new Set(names)];
}
