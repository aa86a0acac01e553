/**
 * What `ferry migrate -f FILE` needs from files: the Migration in FILE (schema-checked, with
 * file and line in errors) and, from the desired-state repo, the Cluster and
 * ReplicationRepository objects it refers to.
 */
import { FerryError } from "../../core/errors.js";
import type { Cluster, Migration, ReplicationRepository } from "../../manifests/types.js";
import { textLine } from "../../manifests/report.js";
import { readManifestFile, repoObjects } from "../manifest-file.js";

export interface LoadedMigration {
  readonly migration: Migration;
  /** FILE relative to the repo dir (`/`-separated) when inside it, for remediation proposals. */
  readonly file: string;
  readonly clusters: ReadonlyMap<string, Cluster>;
  readonly repositories: ReadonlyMap<string, ReplicationRepository>;
}

/** Loads FILE's Migration; Invalid FerryError listing every problem (file:line:col) when it has any. */
export async function loadMigration(file: string, repoDir: string): Promise<LoadedMigration> {
  const { shown, validator, objects, errors } = await readManifestFile(file, repoDir);
  if (errors.length > 0) {
    throw new FerryError("Invalid", errors.map(textLine).join("\n"), { data: { file: shown } });
  }
  const migrations = objects.flatMap((o) => (o.manifest.kind === "Migration" ? [o.manifest] : []));
  const [migration] = migrations;
  if (migration === undefined) throw new FerryError("Invalid", `${shown}: no Migration in the file`);
  if (migrations.length > 1) {
    throw new FerryError(
      "Invalid",
      `${shown}: ${migrations.length} Migrations in the file; give one per file`,
    );
  }
  const inRepo = await repoObjects(repoDir, validator);
  const clusters = new Map<string, Cluster>();
  const repositories = new Map<string, ReplicationRepository>();
  for (const o of [...inRepo, ...objects]) {
    if (o.manifest.kind === "Cluster") clusters.set(o.manifest.metadata.name, o.manifest);
    if (o.manifest.kind === "ReplicationRepository") repositories.set(o.manifest.metadata.name, o.manifest);
  }
  return { migration, file: shown, clusters, repositories };
}
