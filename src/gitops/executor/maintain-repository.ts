/**
 * The executor's ReplicationRepository action: one reconcile of a repository's scheduled
 * prune (src/volumes/prune-step.ts), its maintenance status written to the repository's
 * report. The prune Job is started and looked at, never waited for.
 */
import { maintainRepository } from "../../volumes/prune-step.js";
import { renderReport } from "../reconcile/report.js";
import type { ReconcileAction } from "../reconcile/types.js";
import type { VolumeActionDeps } from "./replicate-volumes.js";

export async function maintainRepositoryAction(
  action: Extract<ReconcileAction, { type: "maintain-repository" }>,
  commit: string,
  files: Map<string, string | null>,
  deps: Pick<VolumeActionDeps, "clusters" | "clock" | "logger" | "volumes">,
): Promise<{ readonly phase: string }> {
  const { manifest, location } = action.object;
  const maintenance = manifest.spec.maintenance;
  if (deps.volumes === undefined || maintenance === undefined) {
    throw new Error("repository maintenance is not configured in this controller");
  }
  const status = await maintainRepository({
    repository: manifest.metadata.name,
    maintenance,
    status: action.status,
    access: deps.volumes.accessFor(manifest.metadata.name),
    clusters: deps.clusters,
    clock: deps.clock,
    ...(deps.volumes.options === undefined ? {} : { options: deps.volumes.options }),
  });
  if (status.phase !== action.status.phase || status.running?.job !== action.status.running?.job) {
    deps.logger.info(
      { repository: manifest.metadata.name, phase: status.phase, job: status.running?.job },
      "repository maintenance",
    );
  }
  files.set(
    action.path,
    renderReport({
      kind: "ReplicationRepository",
      name: manifest.metadata.name,
      source: { file: location.file, commit },
      specHash: action.specHash,
      status,
    }),
  );
  return { phase: status.phase };
}
