/**
 * The reconcile planner: a pure function from the desired state at a commit, the last
 * status reports and the live observations of the targets to the actions that are due.
 * Idempotent by construction: once the executor has written the reports of a plan, the
 * same inputs plan nothing.
 */
import { compilePolicy } from "../../schedule/compile.js";
import { dueRuns } from "../../schedule/due.js";
import type { PolicyType, Problem } from "../../manifests/types.js";
import type { ScheduleHistory } from "../../engine/status/schedule-history.js";
import { initialMaintenanceStatus, pruneDue } from "../../volumes/maintenance.js";
import { statusReportPath } from "../git/status-layout.js";
import { compareInventory, sameDrift } from "./drift.js";
import type { MigrationReport, Report, ScheduleReport } from "./report.js";
import { specHash } from "./spec-hash.js";
import {
  VALIDATION_REPORT_PATH,
  type PlanInput,
  type ReconcileAction,
  type ReconcilePlan,
  type StartReason,
} from "./types.js";

/** Phases after which a run is over: a Migration in another phase was interrupted. */
const FINISHED = new Set(["Completed", "PartiallyFailed", "Failed", "PrecheckFailed"]);

/** The report path of a Migration, MigrationSchedule or schedule run. */
export function reportPath(kind: string, metadata: { name: string; namespace?: string | undefined }): string {
  return statusReportPath(
    metadata.namespace === undefined
      ? { kind, name: metadata.name }
      : { kind, name: metadata.name, namespace: metadata.namespace },
  );
}

/** What this reconcile should do. */
export function planReconcile(input: PlanInput): ReconcilePlan {
  const { records, commit } = input;
  if (!input.load.valid) {
    const problems = input.load.problems.filter((p) => p.severity === "error");
    const previous = records.get(VALIDATION_REPORT_PATH);
    // The same problems at a later commit are not news: the report keeps the first commit
    // that had them (and a status folder on the desired-state branch does not loop).
    const same = previous?.kind === "Validation" && sameProblems(previous.problems, problems);
    return {
      commit,
      actions: same ? [] : [{ type: "report-invalid", path: VALIDATION_REPORT_PATH, commit, problems }],
    };
  }
  const actions: ReconcileAction[] = [];
  if (records.has(VALIDATION_REPORT_PATH))
    actions.push({ type: "clear-invalid", path: VALIDATION_REPORT_PATH });
  const desired = new Set<string>();

  for (const object of input.load.state.list("Migration")) {
    const path = reportPath("Migration", object.manifest.metadata);
    desired.add(path);
    const hash = specHash(object.manifest.spec);
    const record = migrationRecord(records.get(path));
    const reason = startReason(record, hash);
    if (reason !== undefined) {
      actions.push({ type: "start-migration", path, object, specHash: hash, reason });
      continue;
    }
    const live = input.live.get(path);
    if (record?.inventory !== undefined && live !== undefined) {
      const drift = compareInventory(record.inventory, live);
      if (!sameDrift(record.drift ?? [], drift)) actions.push({ type: "report-drift", path, drift });
    }
  }

  const referencedRuns = new Set<string>();
  for (const object of input.load.state.list("MigrationSchedule")) {
    const { metadata, spec } = object.manifest;
    const path = reportPath("MigrationSchedule", metadata);
    desired.add(path);
    const hash = specHash(spec);
    const record = scheduleRecord(records.get(path));
    const state = record?.state ?? { since: input.now.toISOString(), history: {} };
    for (const runs of Object.values(state.history)) {
      for (const run of runs ?? [])
        referencedRuns.add(reportPath("ScheduleRun", { ...metadata, name: run.name }));
    }
    const policy = input.load.state.get("SchedulePolicy", spec.schedulePolicyName)?.manifest;
    const compiled = policy === undefined ? undefined : compilePolicy(policy.policy).policy;
    const due =
      spec.suspend === true || compiled === undefined
        ? []
        : dueRuns(compiled, {
            schedule: metadata.name,
            now: input.now,
            since: new Date(state.since),
            lastRuns: lastRuns(state.history),
          });
    if (due.length > 0 || record === undefined || record.specHash !== hash) {
      actions.push({ type: "run-schedule", path, object, policy, specHash: hash, state, due });
    }
  }

  for (const object of input.load.state.list("VolumeReplication")) {
    const { metadata, spec } = object.manifest;
    const path = reportPath("VolumeReplication", metadata);
    desired.add(path);
    const record = records.get(path);
    actions.push({
      type: "replicate-volumes",
      path,
      object,
      groups: new Map(
        input.load.state
          .list("VolumeGroup")
          .filter((g) => g.manifest.metadata.namespace === metadata.namespace)
          .map((g) => [g.manifest.metadata.name, g.manifest]),
      ),
      policies: new Map(
        input.load.state.list("SchedulePolicy").map((p) => [p.manifest.metadata.name, p.manifest]),
      ),
      specHash: specHash(spec),
      ...(record?.kind === "VolumeReplication" ? { status: record.status } : {}),
    });
  }

  for (const object of input.load.state.list("ReplicationRepository")) {
    const { metadata, spec } = object.manifest;
    if (spec.maintenance === undefined) continue;
    const path = reportPath("ReplicationRepository", metadata);
    desired.add(path);
    const record = records.get(path);
    const hash = specHash(spec.maintenance);
    const status =
      record?.kind === "ReplicationRepository" ? record.status : initialMaintenanceStatus(input.now);
    const act =
      record?.kind !== "ReplicationRepository" ||
      record.specHash !== hash ||
      status.running !== undefined ||
      pruneDue({ repository: metadata.name, maintenance: spec.maintenance, status, now: input.now });
    if (act) actions.push({ type: "maintain-repository", path, object, specHash: hash, status });
  }

  for (const [path, report] of [...records.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (report.kind === "Validation" || desired.has(path)) continue;
    if (report.kind === "ScheduleRun" && referencedRuns.has(path)) continue;
    const branch = report.remediation?.branch;
    if (report.kind === "VolumeReplication") {
      actions.push({
        type: "delete-replication",
        path,
        replication: {
          apiVersion: "ferry.dev/v1alpha1",
          kind: "VolumeReplication",
          metadata: { name: report.name, namespace: report.namespace },
          spec: report.spec,
        },
        status: report.status,
        ...(branch === undefined ? {} : { remediationBranch: branch }),
      });
      continue;
    }
    actions.push({
      type: "forget",
      path,
      kind: report.kind,
      ...(branch === undefined ? {} : { remediationBranch: branch }),
    });
  }
  return { commit, actions };
}

/** Problems compare by their fields, not by the key order a YAML round trip may change. */
function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  const key = (p: Problem): string =>
    JSON.stringify([p.file, p.line, p.column, p.path, p.code, p.severity, p.message]);
  return a.length === b.length && a.every((p, i) => key(p) === key(b[i] as Problem));
}

function migrationRecord(report: Report | undefined): MigrationReport | undefined {
  return report?.kind === "Migration" ? report : undefined;
}

function scheduleRecord(report: Report | undefined): ScheduleReport | undefined {
  return report?.kind === "MigrationSchedule" ? report : undefined;
}

function startReason(record: MigrationReport | undefined, hash: string): StartReason | undefined {
  if (record === undefined) return "new";
  if (record.specHash !== hash) return "spec-changed";
  const phase = record.status?.phase;
  if (phase === undefined || !FINISHED.has(phase)) return "interrupted";
  return undefined;
}

/** The start of the latest run of each policy type. */
function lastRuns(history: ScheduleHistory): Partial<Record<PolicyType, Date>> {
  const out: Partial<Record<PolicyType, Date>> = {};
  for (const [type, runs] of Object.entries(history) as [PolicyType, ScheduleHistory[PolicyType]][]) {
    const latest = (runs ?? [])
      .map((r) => r.creationTimestamp)
      .sort()
      .at(-1);
    if (latest !== undefined) out[type] = new Date(latest);
  }
  return out;
}
