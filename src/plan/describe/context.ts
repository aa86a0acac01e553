import type { Kind, Manifest, ManifestOf, MigrationSpec } from "../../manifests/types.js";
import { compilePolicy } from "../../schedule/compile.js";
import { describePolicy, formatInstant } from "../../schedule/describe.js";
import { nextOccurrence } from "../../schedule/occurrences.js";
import { upcomingRuns } from "../../schedule/due.js";
import type { CompiledPolicy } from "../../schedule/types.js";
import { displayName, keyOf } from "../keys.js";
import type { ObjectDiff, PlannedAction, PlanState, Severity } from "../types.js";

/** What the describers may look at: both states and the time (for next runs). */
export interface DescribeContext {
  readonly base: PlanState;
  readonly head: PlanState;
  readonly now: Date;
}

/** Objects of a kind in a state. */
export function objectsOf<K extends Kind>(state: PlanState, kind: K): ManifestOf<K>[] {
  return state.objects.map((o) => o.manifest).filter((m): m is ManifestOf<K> => m.kind === kind);
}

/** `Migration shop-to-west`, `VolumeReplication shop/pg-dr`. */
export function title(manifest: Manifest): string {
  return `${manifest.kind} ${displayName(keyOf(manifest))}`;
}

export function action(
  diff: ObjectDiff,
  summary: string,
  details: readonly string[] = [],
  severity: Severity = "info",
): PlannedAction {
  return { change: diff.change, key: diff.key, severity, summary, details };
}

/** `a, b and c`. */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a migration spec moves, in words: `namespace shop from east-1 to west-1, west-2`. */
export function migrationScope(spec: MigrationSpec): string {
  const ns = spec.namespaces ?? [];
  const targets = (spec.targets ?? []).map((t) => t.cluster);
  return `${ns.length === 1 ? "namespace" : "namespaces"} ${ns.join(", ")} from ${spec.source?.cluster} to ${targets.join(", ")}`;
}

/** The consequences of a migration spec's options. */
export function migrationDetails(spec: MigrationSpec): string[] {
  const details: string[] = [];
  const resources = spec.includeResources ?? true;
  const volumes = spec.includeVolumes ?? true;
  const what =
    resources && volumes
      ? "Resources and volume data"
      : resources
        ? "Resources only (no volume data)"
        : volumes
          ? "Volume data only (no resources)"
          : "Nothing (includeResources and includeVolumes are both false)";
  details.push(`${what}, through repository ${spec.repository}.`);
  if (resources) {
    details.push(
      spec.startApplications
        ? "Applications start on the targets."
        : "Applications stay scaled to 0 on the targets (replicas kept in annotation ferry.dev/replicas).",
    );
  }
  const mapping = (m: Readonly<Record<string, string>> | undefined): string =>
    Object.entries(m ?? {})
      .map(([k, v]) => `${k} → ${v}`)
      .join(", ");
  if (Object.keys(spec.namespaceMapping ?? {}).length > 0)
    details.push(`Namespaces renamed: ${mapping(spec.namespaceMapping)}.`);
  if (Object.keys(spec.storageClassMapping ?? {}).length > 0) {
    details.push(`Storage classes mapped: ${mapping(spec.storageClassMapping)}.`);
  }
  const selector = spec.resourceFilter?.labelSelector?.matchLabels;
  if (selector && Object.keys(selector).length > 0) {
    details.push(
      `Only resources labelled ${Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}.`,
    );
  }
  return details;
}

/** The compiled policy of a SchedulePolicy in a state, if it exists and is valid. */
export function policyNamed(state: PlanState, name: string): CompiledPolicy | undefined {
  const policy = objectsOf(state, "SchedulePolicy").find((p) => p.metadata.name === name);
  return policy === undefined ? undefined : compilePolicy(policy.policy).policy;
}

/** `policy testpolicy (every 1 minute; daily at 10:14PM)`. */
export function policyPhrase(state: PlanState, name: string): string {
  const policy = policyNamed(state, name);
  return policy === undefined ? `policy ${name}` : `policy ${name} (${describePolicy(policy)})`;
}

/**
 * The next run of a schedule in words. For a new schedule the history is empty, so an
 * interval section runs at once; for an existing one the history lives on the clusters,
 * which a plan between revisions cannot see, so only calendar runs are dated.
 */
export function nextRunSentence(
  policy: CompiledPolicy | undefined,
  now: Date,
  isNew: boolean,
): string | undefined {
  if (policy === undefined) return undefined;
  if (isNew) {
    const [first] = upcomingRuns(policy, { now, since: now });
    if (first === undefined) return undefined;
    return first.at.getTime() === now.getTime()
      ? `First run at once (${first.type}), then ${describePolicy(policy)}.`
      : `First run ${formatInstant(first.at, policy.timeZone)} (${first.type}).`;
  }
  const calendar = (["daily", "weekly", "monthly", "cron"] as const)
    .map((type) => ({ type, at: nextOccurrence(policy, type, now) }))
    .filter((r): r is { type: (typeof r)["type"]; at: Date } => r.at !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const parts: string[] = [];
  const [next] = calendar;
  if (next !== undefined)
    parts.push(`Next scheduled run ${formatInstant(next.at, policy.timeZone)} (${next.type}).`);
  if (policy.interval)
    parts.push(`Interval runs every ${plural(policy.interval.minutes, "minute")} after the last one.`);
  return parts.join(" ");
}

/** Objects in `state` that name `name` through `refs`. */
export function referencesTo(state: PlanState, kind: Kind, name: string): string[] {
  const out: string[] = [];
  for (const { manifest: m } of state.objects) {
    if (refersTo(m, kind, name)) out.push(title(m));
  }
  return out;
}

function refersTo(m: Manifest, kind: Kind, name: string): boolean {
  const migration = (spec: MigrationSpec | undefined): boolean => {
    if (spec === undefined) return false;
    if (kind === "Cluster")
      return spec.source?.cluster === name || (spec.targets ?? []).some((t) => t.cluster === name);
    if (kind === "Fleet") return spec.fleet === name;
    if (kind === "ReplicationRepository") return spec.repository === name;
    return false;
  };
  switch (m.kind) {
    case "Migration":
      return migration(m.spec);
    case "MigrationSchedule":
      return (
        (kind === "SchedulePolicy" && m.spec.schedulePolicyName === name) || migration(m.spec.template?.spec)
      );
    case "VolumeReplication":
      return (
        (kind === "Cluster" && (m.spec.source?.cluster === name || m.spec.target?.cluster === name)) ||
        (kind === "SchedulePolicy" && m.spec.schedulePolicyName === name) ||
        (kind === "ReplicationRepository" && m.spec.repository === name)
      );
    case "Fleet":
      return kind === "Cluster" && (m.spec.clusters ?? []).includes(name);
    case "Cluster":
      return kind === "Fleet" && m.spec.fleet === name;
    default:
      return false;
  }
}
