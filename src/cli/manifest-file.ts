/**
 * Reading the one manifest file a command is given (`-f FILE`) plus the objects of the
 * desired-state repo it may refer to, shared by `ferry migrate` and `ferry replicate`.
 */
import { readFile } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { FerryError, isFerryError } from "../core/errors.js";
import { createManifestValidator, directoryTree, loadDesiredState, loadFile } from "../manifests/index.js";
import type { LoadedObject, ManifestValidator, Problem } from "../manifests/types.js";

export interface ManifestFile {
  /** FILE relative to the repo dir (`/`-separated) when inside it, else FILE as given. */
  readonly shown: string;
  readonly validator: ManifestValidator;
  readonly objects: readonly LoadedObject[];
  /** The file's problems of severity `error`; the caller decides how to report them. */
  readonly errors: readonly Problem[];
}

/** Reads and schema-checks FILE; NotFound FerryError when it cannot be read. */
export async function readManifestFile(file: string, repoDir: string): Promise<ManifestFile> {
  const path = resolve(file);
  const bytes = await readFile(path).catch((cause: unknown) => {
    throw new FerryError("NotFound", `cannot read ${file}`, { cause });
  });
  const inside = relative(resolve(repoDir), path);
  const shown = inside.startsWith("..") ? file : inside.split(sep).join("/");
  const validator = createManifestValidator();
  const loaded = loadFile({ path: shown, bytes, validator });
  const errors = loaded.problems.filter((p) => p.severity === "error");
  return { shown, validator, objects: loaded.objects, errors };
}

/**
 * The objects of the desired-state repo at `repoDir`, none when it does not exist. Only the
 * objects are used: problems elsewhere in the repo are `ferry validate`'s job.
 */
export async function repoObjects(
  repoDir: string,
  validator: ManifestValidator,
): Promise<readonly LoadedObject[]> {
  try {
    return (
      (await loadDesiredState(directoryTree(resolve(repoDir)), { validator, semanticChecks: false })).state
        ?.objects ?? []
    );
  } catch (e) {
    if (isFerryError(e, "NotFound")) return [];
    throw e;
  }
}
