/**
 * One replication cycle in one direction: Snapshot → Transfer → TargetCommit → Cleanup, each
 * state recorded before its work starts. Connect and ConfigurationReconciliation run before
 * (see replicate-group.ts). A failure leaves `status.cycle` in place; the next call resumes it
 * with a new attempt number: source snapshots are re-used, claims whose backup completed are
 * not sent again, and the mover itself sends only the chunks the repository lacks.
 */
import type { ClusterClient } from "../cluster/port.js";
import { FerryError, errorMessage } from "../core/errors.js";
import {
  GROUP_SNAPSHOT_LABEL,
  TYPES,
  claimFromSnapshot,
  claimRef,
  deleteAll,
  ensureCreated,
  ensureMoverSecret,
  requestedSize,
  storageClassOf,
  takeGroupSnapshot,
} from "./cluster-objects.js";
import { MOVER_SECRET, type DirectionContext, type ReplicateGroupInput } from "./context.js";
import { backupArgs, moverJob, moverJobBase, restoreArgs } from "./mover-job.js";
import {
  CYCLE_LABEL,
  REPLICATION_LABEL,
  replicationLabelValue,
  cycleId,
  cycleObjectName,
  targetGroupOf,
} from "./names.js";
import { forgetOlderSnapshots, replicationTag } from "./retention-step.js";
import { runMoverJob, type RunJobOptions } from "./run-job.js";
import type { CycleState, CycleStatus, PvcCycleStatus } from "./types.js";

/** Label telling source snapshots (temporary) from target snapshots (the kept copies). */
export const SNAPSHOT_ROLE_LABEL = "ferry.dev/snapshot-role";

/** Runs (or resumes) a cycle to completion; throws on failure with status.cycle kept. */
export async function runCycle(ctx: DirectionContext): Promise<void> {
  const { input, book, direction } = ctx;
  const now = (): Date => input.clock.now();
  const namespace = input.replication.metadata.namespace;
  const name = input.replication.metadata.name;
  const existing = book.status.cycle;
  let cycle: CycleStatus;
  if (
    existing !== undefined &&
    existing.sourceCluster === direction.sourceCluster &&
    existing.targetCluster === direction.targetCluster
  ) {
    cycle = { ...existing, attempt: existing.attempt + 1 };
  } else {
    const id = cycleId(name, now());
    cycle = {
      id,
      startedAt: now().toISOString(),
      state: "Snapshot",
      attempt: 1,
      sourceCluster: direction.sourceCluster,
      targetCluster: direction.targetCluster,
      pvcs: Object.entries(direction.pvcMap).map(([sourcePvc, targetPvc], i) => ({
        sourcePvc,
        targetPvc,
        volumeSnapshot: cycleObjectName(id, "s", i),
        snapshotClaim: cycleObjectName(id, "c", i),
      })),
    };
  }
  const labels = { [REPLICATION_LABEL]: replicationLabelValue(name), [CYCLE_LABEL]: cycle.id };
  const save = (patch: Partial<CycleStatus>): void => {
    cycle = { ...cycle, ...patch };
    book.update({ cycle, phase: "Replicating" });
  };
  const enter = (state: CycleState): void => {
    save({ state });
    input.onEvent?.({ type: "State", cycle: cycle.id, state, at: now().toISOString() });
  };
  const setPvc = (index: number, patch: Partial<PvcCycleStatus>): void => {
    save({ pvcs: cycle.pvcs.map((p, i) => (i === index ? { ...p, ...patch } : p)) });
  };
  save({});
  const opts = input.options ?? {};
  const jobBase = { namespace, ...moverJobBase(opts, input.repository.location) };
  // What both mover Jobs of a claim share: clock, cancellation, poll period, and progress
  // events naming the cycle, the claim and the task.
  const moverRun = (
    client: ClusterClient,
    pvc: string,
    task: "backup" | "restore",
  ): Omit<RunJobOptions, "job"> => ({
    client,
    clock: input.clock,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
    ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
    onProgress: (progress) =>
      input.onEvent?.({
        type: "Progress",
        cycle: cycle.id,
        pvc,
        task,
        bytesDone: progress.bytesDone,
        ...(progress.bytesTotal === undefined ? {} : { bytesTotal: progress.bytesTotal }),
      }),
  });
  if (cycle.attempt > 1) {
    // Jobs of an earlier attempt may still run (the driver was interrupted, not the Job): stop them.
    await Promise.all([
      deleteAll(ctx.source, TYPES.job, namespace, `${CYCLE_LABEL}=${cycle.id}`),
      deleteAll(ctx.target, TYPES.job, namespace, `${CYCLE_LABEL}=${cycle.id}`),
    ]);
  }

  if (cycle.state === "Snapshot") {
    if (cycle.attempt > 1) {
      // Some members of an interrupted group may exist, taken at another instant than the
      // rest would be: the whole group is taken again under new names.
      await deleteAll(ctx.source, TYPES.claim, namespace, `${CYCLE_LABEL}=${cycle.id}`);
      await deleteAll(
        ctx.source,
        TYPES.snapshot,
        namespace,
        `${CYCLE_LABEL}=${cycle.id},${SNAPSHOT_ROLE_LABEL}=source`,
      );
      const attempt = cycle.attempt;
      save({
        pvcs: cycle.pvcs.map((p, i) => ({
          ...p,
          volumeSnapshot: cycleObjectName(cycle.id, "s", i, attempt),
          snapshotClaim: cycleObjectName(cycle.id, "c", i, attempt),
        })),
      });
    }
    enter("Snapshot");
    const sourceClaims = await Promise.all(
      cycle.pvcs.map(async (p) => {
        const claim = await ctx.source.get(claimRef(namespace, p.sourcePvc));
        if (claim === undefined)
          throw new FerryError(
            "NotFound",
            `claim ${namespace}/${p.sourcePvc} is gone from ${ctx.source.name}`,
          );
        return claim;
      }),
    );
    const taken = await takeGroupSnapshot({
      client: ctx.source,
      namespace,
      group: cycle.attempt > 1 ? `${cycle.id}-a${cycle.attempt}` : cycle.id,
      members: cycle.pvcs.map((p) => ({ claim: p.sourcePvc, snapshot: p.volumeSnapshot })),
      labels: { ...labels, [SNAPSHOT_ROLE_LABEL]: "source" },
      clock: input.clock,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    await Promise.all(
      cycle.pvcs.map((p, i) => {
        const claim = sourceClaims[i];
        const storageClass = claim === undefined ? undefined : storageClassOf(claim);
        return ensureCreated(
          ctx.source,
          claimFromSnapshot({
            namespace,
            name: p.snapshotClaim,
            snapshot: p.volumeSnapshot,
            size: (claim === undefined ? undefined : requestedSize(claim)) ?? taken[i]?.restoreSize ?? "1Gi",
            ...(storageClass === undefined ? {} : { storageClass }),
            labels,
          }),
        );
      }),
    );
    const times = taken.map((t) => t.creationTime).sort();
    save({ snapshotTime: times[0] ?? now().toISOString(), state: "Transfer" });
  }

  if (cycle.state === "Transfer") {
    enter("Transfer");
    const secret = await ensureMoverSecret({
      client: ctx.source,
      namespace,
      name: MOVER_SECRET,
      values: input.repository.secretEnv,
    });
    const last = book.status.lastConsistent;
    for (const [i, p] of cycle.pvcs.entries()) {
      if (p.snapshotId !== undefined) continue;
      const parent = last?.pvcs.find((c) =>
        last.sourceCluster === direction.sourceCluster
          ? c.sourcePvc === p.sourcePvc
          : c.targetPvc === p.sourcePvc,
      )?.snapshotId;
      const result = await runMoverJob({
        ...moverRun(ctx.source, p.sourcePvc, "backup"),
        job: moverJob({
          ...jobBase,
          name: cycleObjectName(cycle.id, "b", i, cycle.attempt),
          args: backupArgs({
            ...(parent === undefined ? {} : { parent }),
            ...(opts.packSizeMiB === undefined ? {} : { packSizeMiB: opts.packSizeMiB }),
            tags: { replication: replicationTag(namespace, name), pvc: p.sourcePvc, cycle: cycle.id },
          }),
          claim: p.snapshotClaim,
          readOnly: true,
          ...(secret === undefined ? {} : { secretName: secret }),
          labels: { ...labels, "ferry.dev/mover": "backup" },
        }),
      });
      if (result.type !== "result" || result.command !== "backup") {
        throw new FerryError("Internal", `mover backup of ${p.sourcePvc} returned no backup result`);
      }
      setPvc(i, {
        snapshotId: result.snapshotId,
        bytesRead: result.bytesRead,
        bytesSent: result.bytesUploaded,
      });
    }
    save({ state: "TargetCommit" });
  }

  if (cycle.state === "TargetCommit") {
    enter("TargetCommit");
    const secret = await ensureMoverSecret({
      client: ctx.target,
      namespace,
      name: MOVER_SECRET,
      values: input.repository.secretEnv,
    });
    // From here until the target snapshot exists, the claims may hold a mix of two copies;
    // the last consistent copy is the previous target snapshot group.
    book.update({ targetDirty: true });
    for (const [i, p] of cycle.pvcs.entries()) {
      if (p.restored === true) continue;
      if (p.snapshotId === undefined) throw new FerryError("Internal", `no snapshot for ${p.sourcePvc}`);
      const snapshotId = p.snapshotId;
      await runMoverJob({
        ...moverRun(ctx.target, p.targetPvc, "restore"),
        job: moverJob({
          ...jobBase,
          name: cycleObjectName(cycle.id, "r", i, cycle.attempt),
          args: restoreArgs(snapshotId),
          claim: p.targetPvc,
          readOnly: false,
          ...(secret === undefined ? {} : { secretName: secret }),
          labels: { ...labels, "ferry.dev/mover": "restore" },
        }),
      });
      setPvc(i, { restored: true });
    }
    const group = targetGroupOf(cycle.id);
    await takeGroupSnapshot({
      client: ctx.target,
      namespace,
      group,
      members: cycle.pvcs.map((p, i) => ({
        claim: p.targetPvc,
        snapshot: cycleObjectName(cycle.id, "t", i),
      })),
      labels: { ...labels, [SNAPSHOT_ROLE_LABEL]: "target" },
      clock: input.clock,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    const groups = [...(book.status.targetSnapshotGroups ?? []), { cluster: direction.targetCluster, group }];
    book.update({
      targetDirty: undefined,
      targetSnapshotGroups: groups,
      lastConsistent: {
        cycle: cycle.id,
        time: cycle.snapshotTime ?? cycle.startedAt,
        sourceCluster: direction.sourceCluster,
        targetCluster: direction.targetCluster,
        targetSnapshotGroup: group,
        pvcs: cycle.pvcs.map((p) => ({
          sourcePvc: p.sourcePvc,
          targetPvc: p.targetPvc,
          snapshotId: p.snapshotId ?? "",
          bytesRead: p.bytesRead ?? 0,
          bytesSent: p.bytesSent ?? 0,
        })),
      },
    });
    save({ state: "Cleanup" });
  }

  enter("Cleanup");
  await cleanupCycle(ctx, cycle.id);
  await pruneTargetSnapshots(ctx, input.options?.keepTargetSnapshots ?? 3);
  const forgotten = await forgetOlderSnapshots(ctx, cycle);
  book.update({
    cycle: undefined,
    lastCycle: {
      id: cycle.id,
      result: "Succeeded",
      state: "Cleanup",
      startedAt: cycle.startedAt,
      finishedAt: now().toISOString(),
      bytesRead: cycle.pvcs.reduce((n, p) => n + (p.bytesRead ?? 0), 0),
      bytesSent: cycle.pvcs.reduce((n, p) => n + (p.bytesSent ?? 0), 0),
      ...(forgotten === undefined ? {} : { snapshotsForgotten: forgotten }),
    },
  });
}

/** Deletes a cycle's Jobs (both sides), temporary claims and source snapshots. */
export async function cleanupCycle(
  ctx: {
    readonly input: ReplicateGroupInput;
    readonly source: ClusterClient;
    readonly target: ClusterClient;
  },
  id: string,
): Promise<void> {
  const namespace = ctx.input.replication.metadata.namespace;
  const selector = `${CYCLE_LABEL}=${id}`;
  await Promise.all([
    deleteAll(ctx.source, TYPES.job, namespace, selector),
    deleteAll(ctx.target, TYPES.job, namespace, selector),
  ]);
  await deleteAll(ctx.source, TYPES.claim, namespace, selector);
  await deleteAll(ctx.source, TYPES.snapshot, namespace, `${selector},${SNAPSHOT_ROLE_LABEL}=source`);
}

/** Keeps the newest `keep` target snapshot groups, deleting older ones where their cluster is reachable. */
async function pruneTargetSnapshots(ctx: DirectionContext, keep: number): Promise<void> {
  const groups = ctx.book.status.targetSnapshotGroups ?? [];
  if (groups.length <= keep) return;
  const drop = groups.slice(0, groups.length - keep);
  const kept = groups.slice(groups.length - keep);
  const namespace = ctx.input.replication.metadata.namespace;
  const left: { cluster: string; group: string }[] = [];
  for (const g of drop) {
    const client = ctx.input.clusters.get(g.cluster);
    try {
      if (client === undefined) throw new FerryError("NotFound", `no client for ${g.cluster}`);
      await deleteAll(client, TYPES.snapshot, namespace, `${GROUP_SNAPSHOT_LABEL}=${g.group}`);
    } catch (e) {
      left.push(g);
      ctx.input.onEvent?.({
        type: "Message",
        message: `could not prune snapshot group ${g.group} on ${g.cluster}: ${errorMessage(e)}`,
        at: ctx.input.clock.now().toISOString(),
      });
    }
  }
  ctx.book.update({ targetSnapshotGroups: [...left, ...kept] });
}
