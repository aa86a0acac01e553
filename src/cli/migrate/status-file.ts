/**
 * The status report of a migration run as a file: `.ferry/status/<migration>.yaml`, the same
 * deterministic YAML the GitOps loop commits (apiVersion, kind, metadata, status, and the
 * remediation proposal when pre-checks asked for one).
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import type { MigrationRunResult } from "../../engine/run/index.js";
import type { MigrationRunStatus } from "../../engine/run/run-status.js";
import { renderStatusYaml } from "../../engine/status/render-yaml.js";
import type { Migration } from "../../manifests/types.js";

export const DEFAULT_STATUS_DIR = ".ferry/status";

export interface StatusDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly status: MigrationRunStatus;
  readonly remediation?: { readonly title: string; readonly changes: unknown; readonly manualSteps: unknown };
  readonly fixesApplied?: readonly string[];
}

export function statusDocument(migration: Migration, result: MigrationRunResult): StatusDocument {
  return {
    apiVersion: migration.apiVersion,
    kind: "Migration",
    metadata: migration.metadata,
    status: result.status,
    ...(result.proposal === undefined
      ? {}
      : {
          remediation: {
            title: result.proposal.title,
            changes: result.proposal.changes,
            manualSteps: result.proposal.manualSteps,
          },
        }),
    ...(result.fixesApplied.length === 0 ? {} : { fixesApplied: result.fixesApplied }),
  };
}

export function renderStatusDocument(doc: StatusDocument): string {
  return renderStatusYaml(doc);
}

/** Writes the report; returns its path. */
export async function writeStatusFile(dir: string, doc: StatusDocument): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${doc.metadata.name}.yaml`);
  await writeFile(path, renderStatusDocument(doc));
  return path;
}

/** Every report in `dir`, sorted by name; unreadable files are skipped. */
export async function readStatusFiles(dir: string): Promise<StatusDocument[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".yaml")).sort();
  const docs: StatusDocument[] = [];
  for (const name of names) {
    const parsed = parse(await readFile(join(dir, name), "utf8")) as unknown;
    if (isStatusDocument(parsed)) docs.push(parsed);
  }
  return docs;
}

function isStatusDocument(value: unknown): value is StatusDocument {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v["metadata"] === "object" && typeof v["status"] === "object" && v["status"] !== null;
}
