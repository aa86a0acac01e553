/**
 * What `ferry migrate -f FILE` needs from files: the Migration in FILE (schema-checked, with
 * file and line in errors) and, from the desired-state repo, the Cluster and
 * ReplicationRepository objects it refers to.
 */
import { readFile } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { FerryError, isFerryError } from "../../core/errors.js";
import { createManifestValidator, directoryTree, loadDesiredState, loadFile } from "../../manifests/index.js";
import type { Cluster, DesiredState, Migration, ReplicationRepository } from "../../manifests/types.js";
import { textLine } from "../../manifests/report.js";

export interface LoadedMigration {
  readonly migration: Migration;
  /** FILE relative to the repo dir (`/`-separated) when inside it, for remediation proposals. */
  readonly file: string;
  readonly clusters: ReadonlyMap<string, Cluster>;
  readonly repositories: ReadonlyMap<string, ReplicationRepository>;
}

/** Loads FILE's Migration; Invalid FerryError listing every problem (file:line:col) when it has any. */
export async function loadMigration(file: string, repoDir: string): Promise<LoadedMigration> {
  const path = resolve(file);
  const bytes = await readFile(path).catch((cause: unknown) => {
    throw new FerryError("NotFound", `cannot read ${file}`, { cause });
  });
  const inside = relative(resolve(repoDir), path);
  const shown = inside.startsWith("..") ? file : inside.split(sep).join("/");
  const validator = createManifestValidator();
  const loaded = loadFile({ path: shown, bytes, validator });
  const errors = loaded.problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    throw new FerryError("Invalid", errors.map(textLine).join("\n"), { data: { file: shown } });
  }
  const migrations = loaded.objects.flatMap((o) => (o.manifest.kind === "Migration" ? [o.manifest] : []));
  const [migration] = migrations;
  if (migration === undefined) throw new FerryError("Invalid", `${shown}: no Migration in the file`);
  if (migrations.length > 1) {
    throw new FerryError(
      "Invalid",
      `${shown}: ${migrations.length} Migrations in the file; give one per file`,
    );
  }
  const state = await desiredState(repoDir, validator);
  const clusters = new Map<string, Cluster>();
  const repositories = new Map<string, ReplicationRepository>();
  for (const o of [...(state?.objects ?? []), ...loaded.objects]) {
    if (o.manifest.kind === "Cluster") clusters.set(o.manifest.metadata.name, o.manifest);
    if (o.manifest.kind === "ReplicationRepository") repositories.set(o.manifest.metadata.name, o.manifest);
  }
  return { migration, file: shown, clusters, repositories };
}

async function desiredState(
  repoDir: string,
  validator: ReturnType<typeof createManifestValidator>,
): Promise<DesiredState | undefined> {
  try {
    // Only the objects are used: problems elsewhere in the repo are `ferry validate`'s job.
    return (await loadDesiredState(directoryTree(resolve(repoDir)), { validator, semanticChecks: false }))
      .state;
  } catch (e) {
    if (isFerryError(e, "NotFound")) return undefined;
    throw e;
  }
}
