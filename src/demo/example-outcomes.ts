/**
 * How each example object ended, read from its report on the status branch: one line per
 * Migration, MigrationSchedule and VolumeReplication, and whether that is a good end.
 */
import type { Report } from "../gitops/reconcile/report.js";

export interface ExampleOutcome {
  readonly kind: string;
  /** `name` or `namespace/name`. */
  readonly name: string;
  readonly phase: string;
  /** True for a successful end: Completed, a replication with a consistent copy, a schedule
   * whose runs all succeeded (or that has none due yet). */
  readonly good: boolean;
  readonly detail?: string;
}

/** The outcome of one report, or undefined for reports that are not example objects. */
export function exampleOutcome(report: Report): ExampleOutcome | undefined {
  switch (report.kind) {
    case "Migration": {
      const phase = report.status?.phase ?? "unknown";
      const message = report.status?.["message"];
      return {
        kind: "Migration",
        name: report.name,
        phase,
        good: phase === "Completed",
        ...(typeof message === "string" ? { detail: message } : {}),
      };
    }
    case "MigrationSchedule": {
      const runs = Object.values(report.state.history).flatMap((r) => r ?? []);
      const failed = runs.filter((r) => r.status === "Failed");
      const latest = [...runs].sort((a, b) => a.creationTimestamp.localeCompare(b.creationTimestamp)).at(-1);
      const problems = report.problems ?? [];
      return {
        kind: "MigrationSchedule",
        name: report.name,
        phase: latest === undefined ? "NoRunDue" : `last run ${latest.status}`,
        good: failed.length === 0 && problems.length === 0 && latest?.status !== "InProgress",
        detail:
          latest === undefined
            ? "no run due yet"
            : `${runs.length} run(s): ${runs.map((r) => `${r.name} ${r.status}`).join(", ")}`,
      };
    }
    case "VolumeReplication": {
      const { status } = report;
      const copy = status.lastConsistent;
      return {
        kind: "VolumeReplication",
        name: `${report.namespace}/${report.name}`,
        phase: status.phase,
        good: copy !== undefined && status.phase !== "Blocked" && status.phase !== "Failed",
        detail:
          copy === undefined
            ? (status.conditions.find((c) => c.status === "False")?.message ?? "no consistent copy yet")
            : `consistent copy ${copy.cycle} of ${copy.time} on ${copy.targetCluster} (${copy.pvcs.map((p) => `${p.sourcePvc} → ${p.targetPvc}`).join(", ")})`,
      };
    }
    default:
      return undefined;
  }
}

/** One line for the demo's summary. */
export function outcomeLine(o: ExampleOutcome): string {
  return `  ${o.good ? "ok  " : "BAD "} ${o.kind} ${o.name}: ${o.phase}${o.detail === undefined ? "" : ` — ${o.detail}`}`;
}
