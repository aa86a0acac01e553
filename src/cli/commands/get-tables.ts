import { fleetMembers } from "../../manifests/fleet.js";
import type {
  ClusterConnection,
  DesiredState,
  Kind,
  LoadedObject,
  Manifest,
  ManifestOf,
} from "../../manifests/types.js";
import { compilePolicy } from "../../schedule/compile.js";
import { formatInstant } from "../../schedule/describe.js";
import { nextOccurrence } from "../../schedule/occurrences.js";
import type { CompiledPolicy } from "../../schedule/types.js";

/**
 * The tables `ferry get` prints, as pure functions of the desired state and the time. Column
 * sets follow kubectl and storkctl; `get schedulepolicy` prints storkctl's columns exactly.
 */

export interface Resource {
  readonly kind: Kind;
  /** Names accepted on the command line (lower-case), the plural first. */
  readonly names: readonly string[];
  readonly columns: readonly string[];
  /** Extra columns for `-o wide`. */
  readonly wideColumns?: readonly string[];
  row(object: LoadedObject, ctx: TableContext): string[];
}

export interface TableContext {
  readonly state: DesiredState;
  readonly now: Date;
  readonly wide: boolean;
}

const NA = "N/A";
const NONE = "<none>";

function as<K extends Kind>(o: LoadedObject, kind: K): ManifestOf<K> {
  if (o.manifest.kind !== kind) throw new Error(`expected ${kind}, got ${o.manifest.kind}`);
  return o.manifest as ManifestOf<K>;
}

const labelsText = (m: Manifest): string =>
  Object.entries(m.metadata.labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",") || NONE;

export const RESOURCES: readonly Resource[] = [
  {
    kind: "SchedulePolicy",
    names: ["schedulepolicies", "schedulepolicy", "sp"],
    columns: ["NAME", "INTERVAL-MINUTES", "DAILY", "WEEKLY", "MONTHLY"],
    wideColumns: ["CRON", "TIMEZONE"],
    row(o, ctx) {
      const { metadata, policy: p } = as(o, "SchedulePolicy");
      const row = [
        metadata.name,
        p.interval ? String(p.interval.intervalMinutes) : NA,
        p.daily ? p.daily.time : NA,
        p.weekly ? `${p.weekly.day}@${p.weekly.time}` : NA,
        p.monthly ? `${p.monthly.date}@${p.monthly.time}` : NA,
      ];
      return ctx.wide ? [...row, p.cron ?? NA, p.timezone ?? "UTC"] : row;
    },
  },
  {
    kind: "Migration",
    names: ["migrations", "migration", "mig"],
    columns: ["NAME", "FLEET", "SOURCE", "TARGETS", "NAMESPACES"],
    wideColumns: ["RESOURCES", "VOLUMES", "START-APPLICATIONS", "REPOSITORY"],
    row(o, ctx) {
      const { metadata, spec } = as(o, "Migration");
      const row = [
        metadata.name,
        spec.fleet,
        spec.source.cluster,
        spec.targets.map((t) => t.cluster).join(","),
        spec.namespaces.join(","),
      ];
      if (!ctx.wide) return row;
      return [
        ...row,
        String(spec.includeResources ?? true),
        String(spec.includeVolumes ?? true),
        String(spec.startApplications ?? false),
        spec.repository,
      ];
    },
  },
  {
    kind: "MigrationSchedule",
    names: ["migrationschedules", "migrationschedule", "migrsched", "ms"],
    columns: ["NAME", "POLICY", "SUSPEND", "NEXT-RUN"],
    wideColumns: ["SOURCE", "TARGETS", "NAMESPACES"],
    row(o, ctx) {
      const { metadata, spec } = as(o, "MigrationSchedule");
      const suspended = spec.suspend ?? false;
      const row = [
        metadata.name,
        spec.schedulePolicyName,
        String(suspended),
        suspended ? NONE : nextRun(policyOf(ctx, spec.schedulePolicyName), ctx.now),
      ];
      if (!ctx.wide) return row;
      const t = spec.template.spec;
      return [...row, t.source.cluster, t.targets.map((x) => x.cluster).join(","), t.namespaces.join(",")];
    },
  },
  {
    kind: "VolumeReplication",
    names: ["volumereplications", "volumereplication", "vr"],
    columns: ["NAME", "NAMESPACE", "SOURCE", "TARGET", "SCHEDULE", "SUSPEND"],
    wideColumns: ["VOLUMEGROUP", "PVCS", "NEXT-RUN"],
    row(o, ctx) {
      const { metadata, spec } = as(o, "VolumeReplication");
      const suspended = spec.suspend ?? false;
      const schedule = spec.schedule ?? `policy:${spec.schedulePolicyName ?? ""}`;
      const row = [
        metadata.name,
        metadata.namespace,
        spec.source.cluster,
        spec.target.cluster,
        schedule,
        String(suspended),
      ];
      if (!ctx.wide) return row;
      const policy =
        spec.schedule !== undefined
          ? compilePolicy({ cron: spec.schedule, ...(spec.timezone ? { timezone: spec.timezone } : {}) })
              .policy
          : policyOf(ctx, spec.schedulePolicyName ?? "");
      return [
        ...row,
        spec.source.volumeGroup,
        String(Object.keys(spec.pvcMap).length),
        suspended ? NONE : nextRun(policy, ctx.now),
      ];
    },
  },
  {
    kind: "VolumeGroup",
    names: ["volumegroups", "volumegroup", "vg"],
    columns: ["NAME", "NAMESPACE", "PVCS"],
    row(o) {
      const { metadata, spec } = as(o, "VolumeGroup");
      return [metadata.name, metadata.namespace, spec.pvcs.join(",")];
    },
  },
  {
    kind: "Cluster",
    names: ["clusters", "cluster", "cl"],
    columns: ["NAME", "FLEET", "CONNECTION", "LABELS"],
    row(o) {
      const m = as(o, "Cluster");
      return [m.metadata.name, m.spec.fleet, connectionColumn(m.spec.connection), labelsText(m)];
    },
  },
  {
    kind: "Fleet",
    names: ["fleets", "fleet"],
    columns: ["NAME", "CLUSTERS", "SELECTOR"],
    row(o, ctx) {
      const m = as(o, "Fleet");
      const members = fleetMembers(ctx.state, m.metadata.name).map((c) => c.manifest.metadata.name);
      const selector = m.spec.selector
        ? Object.entries(m.spec.selector.matchLabels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .concat(
              (m.spec.selector.matchExpressions ?? []).map(
                (e) => `${e.key} ${e.operator} (${(e.values ?? []).join(",")})`,
              ),
            )
            .join(",") || "<all>"
        : NONE;
      return [m.metadata.name, members.join(",") || NONE, selector];
    },
  },
  {
    kind: "ReplicationRepository",
    names: ["replicationrepositories", "replicationrepository", "repositories", "repository", "repo"],
    columns: ["NAME", "BACKEND", "LOCATION", "ENCRYPTED"],
    row(o) {
      const { metadata, spec } = as(o, "ReplicationRepository");
      const location = spec.s3
        ? `s3://${spec.s3.bucket}/${spec.s3.prefix ?? ""}${spec.s3.endpoint ? ` (${spec.s3.endpoint})` : ""}`
        : (spec.filesystem?.path ?? "");
      return [
        metadata.name,
        spec.s3 ? "s3" : "filesystem",
        location,
        spec.encryption ? `$${spec.encryption.keyEnv}` : "no",
      ];
    },
  },
];

/** The resource a command-line name means (`schedulepolicy`, `sp`, `MigrationSchedules`), or undefined. */
export function findResource(name: string): Resource | undefined {
  const lower = name.toLowerCase();
  return RESOURCES.find((r) => r.names.includes(lower) || r.kind.toLowerCase() === lower);
}

function connectionColumn(c: ClusterConnection): string {
  if ("kubeconfig" in c)
    return `kubeconfig:${c.kubeconfig.path}${c.kubeconfig.context ? `@${c.kubeconfig.context}` : ""}`;
  if ("kubeconfigEnv" in c) return `env:${c.kubeconfigEnv}`;
  if ("local" in c) return `local:${c.local.name}`;
  return "in-cluster";
}

function policyOf(ctx: TableContext, name: string): CompiledPolicy | undefined {
  const policy = ctx.state.get("SchedulePolicy", name);
  return policy === undefined ? undefined : compilePolicy(policy.manifest.policy).policy;
}

/**
 * The next run Git alone can tell: the soonest calendar or cron occurrence after `now`. An
 * interval run depends on the last run, which lives in the schedule's status, not in Git;
 * it is due at most one interval from now, and is shown that way when that is sooner.
 */
export function nextRun(policy: CompiledPolicy | undefined, now: Date): string {
  if (policy === undefined) return NONE;
  const calendar = (["daily", "weekly", "monthly", "cron"] as const)
    .map((type) => ({ type, at: nextOccurrence(policy, type, now) }))
    .filter((r): r is { type: (typeof r)["type"]; at: Date } => r.at !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  const interval = policy.interval?.minutes;
  if (
    interval !== undefined &&
    (calendar === undefined || now.getTime() + interval * 60_000 < calendar.at.getTime())
  ) {
    return `within ${interval}m (interval)`;
  }
  return calendar === undefined ? NONE : `${formatInstant(calendar.at)} (${calendar.type})`;
}

/**
 * Aligned columns as kubectl prints them (Go's tabwriter with minimum width 10 and padding 3),
 * so `ferry get` output lines up with storkctl's.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(10, ...all.map((r) => (r[i] ?? "").length + 3)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}
