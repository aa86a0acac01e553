import { parse } from "yaml";

/** The object a status report is about. */
export interface ReportSubject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** Default folder of the reports, on the status branch or on the desired-state branch. */
export const STATUS_FOLDER = "status";

/**
 * Where an object's report lives: `status/<kind>/<namespace>/<name>.yaml`, or
 * `status/<kind>/<name>.yaml` for objects without a namespace. The kind is lower-cased.
 */
export function statusReportPath(subject: ReportSubject, folder: string = STATUS_FOLDER): string {
  const kind = subject.kind.toLowerCase();
  const parts =
    subject.namespace === undefined ? [kind, subject.name] : [kind, subject.namespace, subject.name];
  return `${folder}/${parts.join("/")}.yaml`;
}

/** One report that a status commit changed. */
export interface ChangedReport {
  readonly path: string;
  /** `phase` (top level or under `status`), or undefined when the report has none or was deleted. */
  readonly phase?: string;
  readonly deleted: boolean;
}

/** Reads a report's phase; reports that are not YAML objects have none. */
export function reportPhase(content: string): string | undefined {
  try {
    const doc: unknown = parse(content);
    if (typeof doc !== "object" || doc === null) return undefined;
    const record = doc as { phase?: unknown; status?: { phase?: unknown } };
    const phase = record.phase ?? record.status?.phase;
    return typeof phase === "string" ? phase : undefined;
  } catch {
    return undefined;
  }
}

const LISTED = 20;

/**
 * The message of a status commit: a subject with the counts by phase, then one line per
 * changed report (the first twenty), so `git log ferry/status` reads as a history of outcomes.
 */
export function statusCommitMessage(
  changes: readonly ChangedReport[],
  folder: string = STATUS_FOLDER,
): string {
  const updated = changes.filter((c) => !c.deleted);
  const removed = changes.length - updated.length;
  const byPhase = new Map<string, number>();
  for (const change of updated) {
    const phase = change.phase ?? "Unknown";
    byPhase.set(phase, (byPhase.get(phase) ?? 0) + 1);
  }
  const counts = [...byPhase.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([phase, n]) => `${phase} ${n}`)
    .join(", ");
  const parts = [`${updated.length} report${updated.length === 1 ? "" : "s"} updated`];
  if (removed > 0) parts.push(`${removed} removed`);
  const subject = `ferry status: ${parts.join(", ")}${counts === "" ? "" : ` (${counts})`}`;
  const strip = (path: string): string =>
    path.startsWith(`${folder}/`) ? path.slice(folder.length + 1).replace(/\.yaml$/, "") : path;
  const lines = changes
    .slice(0, LISTED)
    .map((c) => `${(c.deleted ? "removed" : (c.phase ?? "Unknown")).padEnd(12)} ${strip(c.path)}`);
  if (changes.length > LISTED) lines.push(`… and ${changes.length - LISTED} more`);
  return `${subject}\n\n${lines.join("\n")}\n`;
}
