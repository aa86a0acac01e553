/**
 * The replication driver's entry point: one reconcile of one VolumeReplication. It detects a
 * role swap (failover/failback commit), honours `suspend` and the RPO schedule, connects to
 * both clusters, grows claims to the source group's capacity (or a pending resize),
 * reconciles the configuration and runs or resumes one cycle. It returns the new status;
 * every intermediate status is also reported as a Status event.
 */
import type { ClusterClient } from "../cluster/port.js";
import { errorMessage, isFerryError } from "../core/errors.js";
import type { KubeObject } from "../engine/kube-object.js";
import { claimRef } from "./cluster-objects.js";
import { capacityChanged } from "./capacity.js";
import { ensureCapacity } from "./capacity-step.js";
import { reach } from "./connect.js";
import { reconcileConfiguration } from "./configuration.js";
import type { DirectionContext, ReplicateGroupInput } from "./context.js";
import { directionOf, initialStatus } from "./direction.js";
import { runCycle } from "./cycle.js";
import { growClaim } from "./grow.js";
import { performRoleSwap, roleSwapOf } from "./role-swap.js";
import { cycleDue, failoverWarranted, replicationPolicy, rpoIntervalMs } from "./rpo.js";
import { StatusBook } from "./status-book.js";
import { setWorkloads } from "./workloads.js";
import type { GrowClaimRemediation, VolumePrecheck, VolumeReplicationStatus } from "./types.js";

/** One reconcile of a VolumeReplication (see the module comment and docs/volumes.md). */
export async function replicateGroup(input: ReplicateGroupInput): Promise<VolumeReplicationStatus> {
  const { replication, clock } = input;
  const spec = replication.spec;
  const book = new StatusBook(input.status ?? initialStatus(input), input.onEvent);
  const now = clock.now();
  const schedule = replicationPolicy(spec, input.policies ?? new Map());
  const rpoMs = schedule.policy === undefined ? undefined : rpoIntervalMs(schedule.policy, now);
  const finish = (): VolumeReplicationStatus => {
    const last = book.status.lastConsistent;
    book.update({
      ...(rpoMs === undefined ? {} : { rpoSeconds: Math.round(rpoMs / 1000) }),
      ...(last === undefined
        ? {}
        : { lagSeconds: Math.max(0, Math.round((clock.now().getTime() - Date.parse(last.time)) / 1000)) }),
    });
    if (last !== undefined && rpoMs !== undefined) {
      const lag = (book.status.lagSeconds ?? 0) * 1000;
      book.condition(
        lag <= rpoMs * 2
          ? {
              type: "WithinRPO",
              status: "True",
              reason: "LagWithinRPO",
              message: `last consistent copy ${Math.round(lag / 1000)}s old`,
            }
          : {
              type: "WithinRPO",
              status: "False",
              reason: "LagBeyondRPO",
              message: `last consistent copy ${Math.round(lag / 1000)}s old, RPO ${Math.round(rpoMs / 1000)}s`,
            },
        clock.now(),
      );
    }
    return book.status;
  };

  // A role swap is acted on even while suspended: the person asked for it.
  const swap = roleSwapOf(book.status, spec);
  let swapped = false;
  if (swap === "other") {
    book.update({ ...initialStatus(input), conditions: book.status.conditions });
  } else if (swap !== undefined) {
    try {
      await performRoleSwap({ input, book });
      swapped = true;
    } catch (e) {
      book.update({ phase: "Failed" });
      book.condition(
        { type: "RoleSwapped", status: "False", reason: "RoleSwapFailed", message: errorMessage(e) },
        clock.now(),
      );
      return finish();
    }
  }
  if (book.status.pendingStop !== undefined) await stopPending(input, book);

  if (spec.suspend === true) {
    book.update({ phase: "Suspended" });
    book.condition(
      { type: "Replicating", status: "False", reason: "Suspended", message: "spec.suspend is true" },
      now,
    );
    return finish();
  }
  if (schedule.policy === undefined) {
    book.update({ phase: "Failed" });
    book.condition(
      {
        type: "Replicating",
        status: "False",
        reason: "InvalidSchedule",
        message: schedule.problem ?? "no schedule",
      },
      now,
    );
    return finish();
  }
  const lastStart =
    book.status.lastCycle === undefined ? undefined : new Date(book.status.lastCycle.startedAt);
  const due =
    input.options?.force === true ||
    swapped ||
    book.status.cycle !== undefined ||
    book.status.resize !== undefined ||
    capacityChanged(input.groups.get(spec.source.volumeGroup)?.spec.capacity, book.status.capacity) ||
    cycleDue({
      policy: schedule.policy,
      name: replication.metadata.name,
      now,
      ...(lastStart === undefined ? {} : { lastCycleStart: lastStart }),
    });
  if (!due) {
    if (book.status.phase === "Replicating") book.update({ phase: "Idle" });
    return finish();
  }

  // Connect.
  const direction = directionOf(input);
  const source = await reach(input.clusters, direction.sourceCluster);
  const target = await reach(input.clusters, direction.targetCluster);
  if (source.client === undefined) {
    const since = book.status.sourceUnreachableSince ?? now.toISOString();
    book.update({ phase: "Failed", sourceUnreachableSince: since });
    book.condition(
      { type: "Connected", status: "False", reason: "SourceUnreachable", message: source.problem ?? "" },
      now,
    );
    if (
      rpoMs !== undefined &&
      failoverWarranted({
        unreachableSince: new Date(since),
        now,
        rpoMs,
        ...(input.options?.failoverAfterIntervals === undefined
          ? {}
          : { intervals: input.options.failoverAfterIntervals }),
      })
    ) {
      book.update({
        failoverProposal: {
          reason: `source ${direction.sourceCluster} unreachable since ${since}, more than ${input.options?.failoverAfterIntervals ?? 3} RPO intervals`,
          unreachableSince: since,
          source: direction.targetCluster,
          target: direction.sourceCluster,
        },
      });
    }
    return finish();
  }
  book.update({ sourceUnreachableSince: undefined, failoverProposal: undefined });
  if (target.client === undefined) {
    book.update({ phase: "Failed" });
    book.condition(
      { type: "Connected", status: "False", reason: "TargetUnreachable", message: target.problem ?? "" },
      now,
    );
    return finish();
  }
  book.condition(
    {
      type: "Connected",
      status: "True",
      reason: "BothReachable",
      message: `${direction.sourceCluster} → ${direction.targetCluster}`,
    },
    now,
  );

  try {
    await ensureCapacity({ input, book, source: source.client, target: target.client, direction });
    const configured = await reconcileConfigurationStep({
      input,
      book,
      source: source.client,
      target: target.client,
      direction,
    });
    if (!configured) return finish();
    await runCycle({ input, book, source: source.client, target: target.client, direction });
    book.update({ phase: "Idle" });
    book.condition(
      {
        type: "Replicating",
        status: "True",
        reason: "CycleSucceeded",
        message: `cycle ${book.status.lastCycle?.id ?? ""} complete`,
      },
      clock.now(),
    );
  } catch (e) {
    const cycle = book.status.cycle;
    book.update({
      phase: "Failed",
      lastCycle: {
        id: cycle?.id ?? "",
        result: "Failed",
        state: cycle?.state ?? "ConfigurationReconciliation",
        startedAt: cycle?.startedAt ?? now.toISOString(),
        finishedAt: clock.now().toISOString(),
        message: errorMessage(e),
        bytesRead: cycle?.pvcs.reduce((n, p) => n + (p.bytesRead ?? 0), 0) ?? 0,
        bytesSent: cycle?.pvcs.reduce((n, p) => n + (p.bytesSent ?? 0), 0) ?? 0,
      },
    });
    book.condition(
      {
        type: "Replicating",
        status: "False",
        reason: isFerryError(e, "Aborted") ? "CycleInterrupted" : "CycleFailed",
        message: errorMessage(e),
      },
      clock.now(),
    );
  }
  return finish();
}

async function stopPending(input: ReplicateGroupInput, book: StatusBook): Promise<void> {
  const cluster = book.status.pendingStop;
  if (cluster === undefined) return;
  const reached = await reach(input.clusters, cluster);
  if (reached.client === undefined) return;
  await setWorkloads({
    client: reached.client,
    namespace: input.replication.metadata.namespace,
    running: false,
  });
  book.update({ pendingStop: undefined });
}

/**
 * ConfigurationReconciliation: creates missing target claims, and grows smaller ones when the
 * remediation mode allows (auto). Returns false when the cycle must not run (blocked).
 */
async function reconcileConfigurationStep(ctx: DirectionContext): Promise<boolean> {
  const { input, book, direction } = ctx;
  const namespace = input.replication.metadata.namespace;
  const now = input.clock.now();
  input.onEvent?.({
    type: "State",
    cycle: book.status.cycle?.id ?? "",
    state: "ConfigurationReconciliation",
    at: now.toISOString(),
  });
  const sourceGroup = input.groups.get(direction.sourceGroup);
  const targetGroup = input.groups.get(direction.targetGroup);
  if (sourceGroup === undefined || targetGroup === undefined) {
    const missing = sourceGroup === undefined ? direction.sourceGroup : direction.targetGroup;
    book.update({
      phase: "Blocked",
      prechecks: [
        {
          verdict: "incompatible",
          reason: "VolumeGroupMissing",
          message: `VolumeGroup ${namespace}/${missing} does not exist`,
        },
      ],
    });
    book.condition(
      {
        type: "Configured",
        status: "False",
        reason: "VolumeGroupMissing",
        message: `VolumeGroup ${missing} does not exist`,
      },
      now,
    );
    return false;
  }
  const read = async (client: ClusterClient, names: readonly string[]): Promise<Map<string, KubeObject>> => {
    const found = await Promise.all(names.map((n) => client.get(claimRef(namespace, n))));
    const map = new Map<string, KubeObject>();
    names.forEach((n, i) => {
      const claim = found[i];
      if (claim !== undefined) map.set(n, claim);
    });
    return map;
  };
  const verdict = reconcileConfiguration({
    replication: input.replication.metadata.name,
    namespace,
    pvcMap: direction.pvcMap,
    sourceGroupPvcs: sourceGroup.spec.pvcs,
    targetGroupPvcs: targetGroup.spec.pvcs,
    sourceClaims: await read(ctx.source, sourceGroup.spec.pvcs),
    targetClaims: await read(ctx.target, targetGroup.spec.pvcs),
    targetCluster: direction.targetCluster,
    ...(input.options?.storageClassMapping === undefined
      ? {}
      : { storageClassMapping: input.options.storageClassMapping }),
  });
  const mode = input.options?.remediation ?? "auto";
  const prechecks: VolumePrecheck[] = [];
  let blocked = verdict.incompatible;
  let grown = 0;
  for (const check of verdict.prechecks) {
    if (check.remediation === undefined) {
      prechecks.push(check);
      continue;
    }
    let state: GrowClaimRemediation["state"] = "proposed";
    let message = check.message;
    if (mode === "auto") {
      try {
        await growClaim({
          client: ctx.target,
          namespace,
          claim: check.remediation.claim,
          size: check.remediation.to,
          clock: input.clock,
          ...(input.signal === undefined ? {} : { signal: input.signal }),
        });
        state = "applied";
        grown++;
      } catch (e) {
        state = "refused";
        message = `${message}; growing it failed: ${errorMessage(e)}`;
      }
    }
    if (state !== "applied" && mode !== "ignore") blocked = true;
    prechecks.push({ ...check, message, remediation: { ...check.remediation, state } });
  }
  for (const claim of verdict.create) await ctx.target.create(claim);
  book.update({ prechecks });
  if (grown > 0) {
    book.condition(
      {
        type: "Resized",
        status: "True",
        reason: "TargetGrown",
        message: `${grown} target claim(s) grown to their source's size`,
      },
      input.clock.now(),
    );
  }
  if (blocked) {
    book.update({ phase: "Blocked" });
    book.condition(
      {
        type: "Configured",
        status: "False",
        reason: verdict.incompatible ? "Incompatible" : "RemediationNeeded",
        message: prechecks
          .filter((p) => p.verdict !== "compatible")
          .map((p) => p.message)
          .join("; "),
      },
      input.clock.now(),
    );
    return false;
  }
  book.condition(
    {
      type: "Configured",
      status: "True",
      reason: "ClaimsMatch",
      message: `${Object.keys(direction.pvcMap).length} claim(s) match on both sides`,
    },
    input.clock.now(),
  );
  return true;
}
