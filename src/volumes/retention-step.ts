/**
 * Repository retention after a successful cycle: a `ferry mover forget` Job on the target
 * forgets the replication's older mover snapshots, one history per claim, by the manifest's
 * `spec.retention` (default keepLast 7). The driver never reads the repository itself; the
 * mover's own policy (`applyRetention`) decides, and it always keeps each claim's newest
 * snapshot — the next cycle's `--parent`. Forget deletes snapshot roots only (their data stays
 * until a prune) and takes no lock, so it never blocks another replication's Jobs. A failed
 * forget does not fail the cycle: the snapshots stay until the next cycle forgets them.
 */
import { errorMessage } from "../core/errors.js";
import type { VolumeReplicationRetention, VolumeReplicationSpec } from "../manifests/types.js";
import { TYPES, deleteAll, ensureMoverSecret } from "./cluster-objects.js";
import { MOVER_SECRET, type DirectionContext } from "./context.js";
import { forgetArgs, moverJob, moverJobBase } from "./mover-job.js";
import { CYCLE_LABEL, REPLICATION_LABEL, cycleObjectName, replicationLabelValue } from "./names.js";
import { runMoverJob } from "./run-job.js";
import type { ReplicationCondition } from "./types.js";

/** What a replication without `spec.retention` keeps: the newest 7 snapshots of each claim. */
export const DEFAULT_RETENTION: VolumeReplicationRetention = { keepLast: 7 };

/** A forget that runs longer than this is given up (it lists snapshots and deletes a few objects). */
const FORGET_TIMEOUT_MS = 15 * 60_000;

/** The retention a replication applies. */
export function retentionOf(spec: VolumeReplicationSpec): VolumeReplicationRetention {
  return spec.retention ?? DEFAULT_RETENTION;
}

/** The `replication` tag of a replication's mover snapshots (namespaces hold no dot, so it is unique). */
export function replicationTag(namespace: string, name: string): string {
  return `${namespace}.${name}`;
}

/** How a forget went: the mover's counts, or why it failed. */
export type ForgetOutcome =
  | { readonly ok: true; readonly removed: number; readonly kept: number }
  | { readonly ok: false; readonly message: string };

/** The `RepositoryRetention` condition for a forget's outcome; pure. */
export function retentionCondition(
  outcome: ForgetOutcome,
  retention: VolumeReplicationRetention,
): Omit<ReplicationCondition, "lastTransitionTime"> {
  const rules = [
    ...(retention.keepLast === undefined ? [] : [`keepLast ${retention.keepLast}`]),
    ...(retention.keepWithin === undefined ? [] : [`keepWithin ${retention.keepWithin}`]),
  ].join(", ");
  if (!outcome.ok) {
    return {
      type: "RepositoryRetention",
      status: "False",
      reason: "ForgetFailed",
      message: `older snapshots were not forgotten (they stay until the next cycle forgets them): ${outcome.message}`,
    };
  }
  return {
    type: "RepositoryRetention",
    status: "True",
    reason: "SnapshotsForgotten",
    message: `forgot ${outcome.removed} older snapshots, kept ${outcome.kept} (${rules})`,
  };
}

/**
 * Runs the forget Job for a completed cycle and records the outcome (condition and a Message
 * event on failure). Returns the number of snapshots forgotten, or undefined when it failed.
 */
export async function forgetOlderSnapshots(
  ctx: DirectionContext,
  cycle: { readonly id: string; readonly attempt: number },
): Promise<number | undefined> {
  const { input, book, target } = ctx;
  const { namespace, name } = input.replication.metadata;
  const retention = retentionOf(input.replication.spec);
  const opts = input.options ?? {};
  let outcome: ForgetOutcome;
  try {
    const secret = await ensureMoverSecret({
      client: target,
      namespace,
      name: MOVER_SECRET,
      values: input.repository.secretEnv,
    });
    const result = await runMoverJob({
      client: target,
      clock: input.clock,
      timeoutMs: FORGET_TIMEOUT_MS,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
      ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
      job: moverJob({
        name: cycleObjectName(cycle.id, "f", 0, cycle.attempt),
        namespace,
        ...moverJobBase(opts, input.repository.location),
        args: forgetArgs({ replication: replicationTag(namespace, name), ...retention }),
        readOnly: true,
        ...(secret === undefined ? {} : { secretName: secret }),
        labels: {
          [REPLICATION_LABEL]: replicationLabelValue(name),
          [CYCLE_LABEL]: cycle.id,
          "ferry.dev/mover": "forget",
        },
      }),
    });
    outcome =
      result.type === "result" && result.command === "forget"
        ? { ok: true, removed: result.removedCount, kept: result.keptCount }
        : { ok: false, message: "the mover's forget returned no forget result" };
  } catch (e) {
    outcome = { ok: false, message: errorMessage(e) };
  }
  // The Job is done either way; it mounts nothing, so one that cannot be deleted now is harmless.
  await deleteAll(target, TYPES.job, namespace, `${CYCLE_LABEL}=${cycle.id}`).catch(() => undefined);
  book.condition(retentionCondition(outcome, retention), input.clock.now());
  if (!outcome.ok) {
    input.onEvent?.({
      type: "Message",
      message: `could not forget older mover snapshots of ${namespace}/${name}: ${outcome.message}`,
      at: input.clock.now().toISOString(),
    });
    return undefined;
  }
  return outcome.removed;
}
