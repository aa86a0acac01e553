/**
 * The status reports the controller writes to Git and reads back as its memory: one YAML
 * document per object. Besides the engine's status they hold what the next reconcile needs —
 * the spec hash the run was for, the inventory of target objects (for drift), the schedule's
 * history and the remediation branch. Rendering is deterministic (H6's renderStatusYaml), so
 * an unchanged report is byte-for-byte the same and commits nothing.
 */
import { parse } from "yaml";
import { renderStatusYaml } from "../../engine/status/render-yaml.js";
import type { ScheduleState } from "../../engine/run/run-schedules.js";
import type { Problem, VolumeReplicationSpec } from "../../manifests/types.js";
import type { RepositoryMaintenanceStatus } from "../../volumes/maintenance.js";
import type { VolumeReplicationStatus } from "../../volumes/types.js";
import type { DriftItem, InventoryItem } from "./drift.js";

export const REPORT_API_VERSION = "ferry.dev/v1alpha1";

/** What Ferry knows about a remediation it proposed. */
export interface RemediationRecord {
  readonly branch: string;
  readonly commit?: string;
  readonly pullRequest?: { readonly number: number; readonly url: string };
}

/** The report of a Migration (and of one run of a schedule). */
export interface MigrationReport {
  readonly kind: "Migration" | "ScheduleRun";
  readonly name: string;
  readonly namespace?: string;
  /** The desired-state file and the commit the run was started from. */
  readonly source?: { readonly file?: string; readonly commit?: string };
  readonly specHash?: string;
  readonly status?: Record<string, unknown> & { readonly phase?: string };
  readonly remediation?: RemediationRecord;
  /** Per target cluster: the objects Ferry wrote, with their fingerprints. */
  readonly inventory?: Readonly<Record<string, readonly InventoryItem[]>>;
  readonly drift?: readonly DriftItem[];
}

/** The report of a MigrationSchedule: its state (since, history) and its last runs. */
export interface ScheduleReport {
  readonly kind: "MigrationSchedule";
  readonly name: string;
  readonly namespace?: string;
  readonly specHash?: string;
  readonly state: ScheduleState;
  readonly problems?: readonly string[];
  /** The proposal from the latest run's pre-checks (one branch per schedule). */
  readonly remediation?: RemediationRecord;
}

/** The validation report (`status/_validation.yaml`) of a commit that failed to load. */
export interface ValidationReport {
  readonly kind: "Validation";
  readonly commit: string;
  readonly problems: readonly Problem[];
}

/**
 * The report of a VolumeReplication: the driver's status (read back and passed to the next
 * reconcile, which is how a cycle resumes and a role swap is noticed) and the spec it ran for
 * (a removed replication is deleted from it, honouring retainSnapshotsOnDeletion).
 */
export interface VolumeReplicationReport {
  readonly kind: "VolumeReplication";
  readonly name: string;
  readonly namespace: string;
  readonly source?: { readonly file?: string; readonly commit?: string };
  readonly specHash?: string;
  readonly spec: VolumeReplicationSpec;
  readonly status: VolumeReplicationStatus;
  /** The failover proposal's branch (and PR) while one is open. */
  readonly remediation?: RemediationRecord;
}

/** The report of a ReplicationRepository with `spec.maintenance`: its scheduled prune. */
export interface RepositoryReport {
  readonly kind: "ReplicationRepository";
  readonly name: string;
  /** Repositories are not namespaced, and a prune proposes no remediation. */
  readonly namespace?: undefined;
  readonly remediation?: undefined;
  readonly source?: { readonly file?: string; readonly commit?: string };
  readonly specHash?: string;
  readonly status: RepositoryMaintenanceStatus;
}

export type Report =
  MigrationReport | ScheduleReport | ValidationReport | VolumeReplicationReport | RepositoryReport;

/** Deterministic YAML for a report. */
export function renderReport(report: Report): string {
  if (report.kind === "Validation") {
    return renderStatusYaml({
      apiVersion: REPORT_API_VERSION,
      kind: "ValidationReport",
      phase: "Invalid",
      commit: report.commit,
      problems: report.problems.map((p) => ({
        file: p.file,
        line: p.line,
        column: p.column,
        path: p.path,
        severity: p.severity,
        code: p.code,
        message: p.message,
      })),
    });
  }
  const metadata =
    report.namespace === undefined
      ? { name: report.name }
      : { name: report.name, namespace: report.namespace };
  if (report.kind === "VolumeReplication" || report.kind === "ReplicationRepository") {
    return renderStatusYaml({
      apiVersion: REPORT_API_VERSION,
      kind: report.kind,
      metadata,
      source: report.source,
      specHash: report.specHash,
      spec: report.kind === "VolumeReplication" ? report.spec : undefined,
      status: report.status,
      remediation: report.remediation,
    });
  }
  if (report.kind === "MigrationSchedule") {
    return renderStatusYaml({
      apiVersion: REPORT_API_VERSION,
      kind: report.kind,
      metadata,
      specHash: report.specHash,
      since: report.state.since,
      history: report.state.history,
      remediation: report.remediation,
      problems: report.problems === undefined || report.problems.length === 0 ? undefined : report.problems,
    });
  }
  return renderStatusYaml({
    apiVersion: REPORT_API_VERSION,
    kind: report.kind,
    metadata,
    source: report.source,
    specHash: report.specHash,
    status: report.status,
    remediation: report.remediation,
    inventory: report.inventory,
    drift: report.drift === undefined || report.drift.length === 0 ? undefined : report.drift,
  });
}

/** Reads a report back; undefined for text that is not one of Ferry's reports. */
export function parseReport(text: string): Report | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== "object" || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  const meta = (d["metadata"] ?? {}) as { name?: unknown; namespace?: unknown };
  const name = typeof meta.name === "string" ? meta.name : undefined;
  const namespace = typeof meta.namespace === "string" ? { namespace: meta.namespace } : {};
  const specHash = typeof d["specHash"] === "string" ? { specHash: d["specHash"] } : {};
  switch (d["kind"]) {
    case "ValidationReport":
      return {
        kind: "Validation",
        commit: typeof d["commit"] === "string" ? d["commit"] : "",
        problems: Array.isArray(d["problems"]) ? (d["problems"] as Problem[]) : [],
      };
    case "MigrationSchedule":
      if (name === undefined) return undefined;
      return {
        kind: "MigrationSchedule",
        name,
        ...namespace,
        ...specHash,
        state: {
          since: typeof d["since"] === "string" ? d["since"] : new Date(0).toISOString(),
          history: d["history"] ?? {},
        },
        ...(Array.isArray(d["problems"]) ? { problems: d["problems"] as string[] } : {}),
        ...(d["remediation"] === undefined ? {} : { remediation: d["remediation"] as RemediationRecord }),
      };
    case "VolumeReplication": {
      const ns = namespace.namespace;
      if (name === undefined || ns === undefined) return undefined;
      if (typeof d["spec"] !== "object" || d["spec"] === null) return undefined;
      if (typeof d["status"] !== "object" || d["status"] === null) return undefined;
      return {
        kind: "VolumeReplication",
        name,
        namespace: ns,
        ...specHash,
        ...(d["source"] === undefined ? {} : { source: d["source"] as MigrationReport["source"] & object }),
        spec: d["spec"] as VolumeReplicationSpec,
        status: d["status"] as VolumeReplicationStatus,
        ...(d["remediation"] === undefined ? {} : { remediation: d["remediation"] as RemediationRecord }),
      };
    }
    case "ReplicationRepository": {
      const status = d["status"] as Partial<RepositoryMaintenanceStatus> | undefined;
      if (name === undefined || typeof status?.since !== "string") return undefined;
      return {
        kind: "ReplicationRepository",
        name,
        ...specHash,
        ...(d["source"] === undefined ? {} : { source: d["source"] as MigrationReport["source"] & object }),
        status: status as RepositoryMaintenanceStatus,
      };
    }
    case "Migration":
    case "ScheduleRun":
      if (name === undefined) return undefined;
      return {
        kind: d["kind"],
        name,
        ...namespace,
        ...specHash,
        ...(d["source"] === undefined ? {} : { source: d["source"] as MigrationReport["source"] & object }),
        ...(d["status"] === undefined ? {} : { status: d["status"] as MigrationReport["status"] & object }),
        ...(d["remediation"] === undefined ? {} : { remediation: d["remediation"] as RemediationRecord }),
        ...(d["inventory"] === undefined
          ? {}
          : { inventory: d["inventory"] as MigrationReport["inventory"] & object }),
        ...(Array.isArray(d["drift"]) ? { drift: d["drift"] as DriftItem[] } : {}),
      };
    default:
      return undefined;
  }
}
