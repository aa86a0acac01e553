/**
 * Failover and failback. A person merges the role-swap commit (`ferry failover|failback`,
 * src/gitops/failover); the driver sees the manifest's source where its status recorded the
 * target, and then: replicates once more the old way if the old source still answers (a
 * planned swap loses nothing), stops the old direction, makes sure the new source's claims
 * hold the last consistent copy, scales the new source's workloads back to their
 * `ferry.dev/replicas` and the old source's to 0, and records the new roles. The next cycle
 * replicates the other way. The driver never swaps roles on its own.
 */
import { FerryError, errorMessage } from "../core/errors.js";
import type { VolumeReplicationSpec } from "../manifests/types.js";
import { ensureMoverSecret } from "./cluster-objects.js";
import { reach } from "./connect.js";
import { MOVER_SECRET, type Direction, type ReplicateGroupInput } from "./context.js";
import { cleanupCycle, runCycle } from "./cycle.js";
import { DEFAULT_MOVER_IMAGE, moverJob, restoreArgs } from "./mover-job.js";
import { CYCLE_LABEL, REPLICATION_LABEL, replicationLabelValue, cycleObjectName } from "./names.js";
import { runMoverJob } from "./run-job.js";
import type { StatusBook } from "./status-book.js";
import type { VolumeReplicationStatus } from "./types.js";
import { setWorkloads } from "./workloads.js";

/** `swap` when the manifest reverses the recorded roles, `other` for a different pair, else undefined. */
export function roleSwapOf(
  status: VolumeReplicationStatus,
  spec: VolumeReplicationSpec,
): "swap" | "other" | undefined {
  const { source, target } = status.role;
  if (source === spec.source.cluster && target === spec.target.cluster) return undefined;
  if (source === spec.target.cluster && target === spec.source.cluster) return "swap";
  return "other";
}

export async function performRoleSwap(ctx: {
  readonly input: ReplicateGroupInput;
  readonly book: StatusBook;
}): Promise<void> {
  const { input, book } = ctx;
  const spec = input.replication.spec;
  const namespace = input.replication.metadata.namespace;
  const at = (): Date => input.clock.now();
  const oldDirection: Direction = {
    sourceCluster: spec.target.cluster,
    targetCluster: spec.source.cluster,
    sourceGroup: spec.target.volumeGroup,
    targetGroup: spec.source.volumeGroup,
    pvcMap: Object.fromEntries(Object.entries(spec.pvcMap).map(([s, t]) => [t, s])),
  };
  book.update({ phase: "FailingOver" });
  book.condition(
    {
      type: "RoleSwapped",
      status: "False",
      reason: "InProgress",
      message: `making ${spec.source.cluster} the source`,
    },
    at(),
  );
  const newSource = await reach(input.clusters, spec.source.cluster);
  if (newSource.client === undefined) {
    throw new FerryError("Remote", `cannot bring ${spec.source.cluster} live: ${newSource.problem ?? ""}`);
  }
  const oldSource = await reach(input.clusters, oldDirection.sourceCluster);

  if (oldSource.client !== undefined && input.options?.finalSync !== false) {
    try {
      await runCycle({
        input,
        book,
        source: oldSource.client,
        target: newSource.client,
        direction: oldDirection,
      });
      book.condition(
        {
          type: "FinalSync",
          status: "True",
          reason: "Synced",
          message: `${oldDirection.sourceCluster} replicated once more before the swap`,
        },
        at(),
      );
    } catch (e) {
      book.condition(
        {
          type: "FinalSync",
          status: "False",
          reason: "FinalSyncFailed",
          message: `${errorMessage(e)}; the last consistent copy is brought live`,
        },
        at(),
      );
    }
  } else {
    book.condition(
      {
        type: "FinalSync",
        status: "False",
        reason: "SourceUnreachable",
        message: oldSource.problem ?? "final sync disabled",
      },
      at(),
    );
  }
  const stale = book.status.cycle;
  if (stale !== undefined) {
    // The old direction stops here; its objects go where they can still be reached.
    if (oldSource.client !== undefined) {
      await cleanupCycle({ input, source: oldSource.client, target: newSource.client }, stale.id).catch(
        () => undefined,
      );
    }
    book.update({ cycle: undefined });
  }

  const last = book.status.lastConsistent;
  if (book.status.targetDirty === true && last !== undefined) {
    // An interrupted restore may have left a mix of two copies: put the last consistent one back.
    const secret = await ensureMoverSecret({
      client: newSource.client,
      namespace,
      name: MOVER_SECRET,
      values: input.repository.secretEnv,
    });
    const opts = input.options ?? {};
    const id = `${last.cycle}-live`;
    for (const [i, p] of last.pvcs.entries()) {
      await runMoverJob({
        client: newSource.client,
        clock: input.clock,
        ...(input.signal === undefined ? {} : { signal: input.signal }),
        ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
        job: moverJob({
          name: cycleObjectName(id, "r", i),
          namespace,
          image: opts.image ?? DEFAULT_MOVER_IMAGE,
          repository: input.repository.location,
          args: restoreArgs(p.snapshotId),
          claim: p.targetPvc,
          readOnly: false,
          labels: {
            [REPLICATION_LABEL]: replicationLabelValue(input.replication.metadata.name),
            [CYCLE_LABEL]: id,
          },
          ...(secret === undefined ? {} : { secretName: secret }),
          ...(opts.serviceAccountName === undefined ? {} : { serviceAccountName: opts.serviceAccountName }),
          ...(opts.moverEnv === undefined ? {} : { env: opts.moverEnv }),
        }),
      });
    }
    book.update({ targetDirty: undefined });
  }

  const stopped =
    oldSource.client === undefined
      ? []
      : await setWorkloads({ client: oldSource.client, namespace, running: false });
  const started = await setWorkloads({ client: newSource.client, namespace, running: true });
  book.update({
    role: { source: spec.source.cluster, target: spec.target.cluster },
    ...(oldSource.client === undefined ? { pendingStop: oldDirection.sourceCluster } : {}),
    phase: "Replicating",
  });
  book.condition(
    {
      type: "RoleSwapped",
      status: "True",
      reason: "RolesSwapped",
      message:
        `${spec.source.cluster} is the source (started ${started.length} workload(s)); ` +
        (oldSource.client === undefined
          ? `${oldDirection.sourceCluster} unreachable: its workloads are stopped when it answers`
          : `${oldDirection.sourceCluster} is the target (stopped ${stopped.length} workload(s))`),
    },
    at(),
  );
}
