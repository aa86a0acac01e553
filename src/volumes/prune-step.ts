/**
 * One reconcile of a repository's scheduled prune: look at the prune Job a previous reconcile
 * started (and record its outcome), or start one when the schedule says so. The Job runs
 * `ferry mover prune` next to nothing (no claim) on the cluster the manifest names; the
 * reconcile never waits for it, so a prune of hours holds up no other object's reconcile.
 */
import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { RepositoryMaintenance } from "../manifests/types.js";
import { ensureCreated, ensureMoverSecret } from "./cluster-objects.js";
import { MOVER_SECRET, type DriverOptions } from "./context.js";
import {
  afterPruneJob,
  pruneArgs,
  pruneDue,
  pruneJobName,
  type RepositoryMaintenanceStatus,
} from "./maintenance.js";
import { moverJob, moverJobBase } from "./mover-job.js";
import { trimName } from "./names.js";
import type { MoverRepositoryAccess } from "./repository-location.js";
import { inspectMoverJob } from "./run-job.js";

/** Label on prune Jobs: the repository they prune. */
export const PRUNE_REPOSITORY_LABEL = "ferry.dev/replication-repository";

export interface MaintainRepositoryInput {
  /** `ReplicationRepository.metadata.name`. */
  readonly repository: string;
  readonly maintenance: RepositoryMaintenance;
  /** The status the last reconcile recorded. */
  readonly status: RepositoryMaintenanceStatus;
  readonly access: MoverRepositoryAccess;
  readonly clusters: ReadonlyMap<string, ClusterClient>;
  readonly clock: Clock;
  readonly options?: Pick<DriverOptions, "image" | "serviceAccountName" | "moverEnv">;
}

/** Returns the new maintenance status. Throws (status unchanged, retried) when a cluster cannot be reached. */
export async function maintainRepository(
  input: MaintainRepositoryInput,
): Promise<RepositoryMaintenanceStatus> {
  const { maintenance, clock } = input;
  let status = input.status;
  const running = status.running;
  if (running !== undefined) {
    const client = clientOf(input.clusters, running.cluster);
    const job = await inspectMoverJob(client, running.namespace, running.job);
    status = afterPruneJob(status, job, clock.now());
    if (status.running !== undefined) return status;
    if (job.state !== "missing") {
      // Its result is in the status now; a Job that cannot be deleted now holds nothing.
      await client
        .delete(
          { apiVersion: "batch/v1", kind: "Job", namespace: running.namespace, name: running.job },
          { propagationPolicy: "Background" },
        )
        .catch(() => undefined);
    }
    // The outcome is this reconcile's news; a prune that met a lock starts again at the next one.
    return status;
  }
  const now = clock.now();
  if (!pruneDue({ repository: input.repository, maintenance, status, now })) return status;

  const client = clientOf(input.clusters, maintenance.cluster);
  const namespace = maintenance.namespace ?? "default";
  const secret = await ensureMoverSecret({
    client,
    namespace,
    name: MOVER_SECRET,
    values: input.access.secretEnv,
  });
  const name = pruneJobName(input.repository, now);
  await ensureCreated(
    client,
    moverJob({
      name,
      namespace,
      ...moverJobBase(input.options, input.access.location),
      args: pruneArgs(maintenance.maxUnused),
      readOnly: true,
      ...(secret === undefined ? {} : { secretName: secret }),
      labels: { "ferry.dev/mover": "prune", [PRUNE_REPOSITORY_LABEL]: trimName(input.repository, 63) },
    }),
  );
  return {
    ...status,
    phase: "Pruning",
    running: { cluster: maintenance.cluster, namespace, job: name, startedAt: now.toISOString() },
  };
}

function clientOf(clusters: ReadonlyMap<string, ClusterClient>, cluster: string): ClusterClient {
  const client = clusters.get(cluster);
  if (client === undefined) throw new FerryError("NotFound", `no connection to cluster ${cluster}`);
  return client;
}
