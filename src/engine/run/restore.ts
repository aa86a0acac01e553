/**
 * The restore executor for one target: transform every backed-up object for the target,
 * then write tier by tier in `restoreOrder` (waiting for CRDs to be Established), deciding
 * per object with `decideRestoreAction`. Objects of a tier are written in parallel with a
 * bound. Idempotent: what already matches is `unchanged` and not written, so a second run,
 * or a run after one killed half-way, writes only what is missing or different.
 */
import pLimit from "p-limit";
import type { ClusterClient } from "../../cluster/port.js";
import type { Clock } from "../../core/clock.js";
import { FerryError, errorMessage, isFerryError } from "../../core/errors.js";
import type { ProgressSink } from "../../core/progress.js";
import { statusReason } from "../../cluster/errors.js";
import { objectKey, refOf, type KubeObject } from "../kube-object.js";
import {
  transformForTarget,
  type TransformContext,
  type TransformSpec,
} from "../transforms/transform-for-target.js";
import { restoreOrder, type RestoreTier } from "../restore/restore-order.js";
import { decideRestoreAction } from "../restore/restore-action.js";
import type { MigrationEvent, ObjectOutcome } from "../status/events.js";
import { indexTypes, type TypeIndex } from "./type-index.js";
import { listLiveObjects, type LiveObjects } from "./live-objects.js";
import { waitCrdsEstablished } from "./wait-crds.js";

export interface RestoreInput {
  readonly client: ClusterClient;
  /** The restore's name in status. */
  readonly name: string;
  /** The backup's objects, as exported. */
  readonly objects: readonly KubeObject[];
  readonly spec: TransformSpec & { readonly overwrite?: boolean };
  readonly context: TransformContext;
  /** The target's discovery, when the pre-checks already did it. */
  readonly types?: TypeIndex;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** Concurrent writes on this target (default 16). */
  readonly concurrency?: number;
  readonly emit: (event: MigrationEvent) => void;
  readonly onProgress?: ProgressSink;
  /** Runs after the claims exist and before workloads (the volume data seam). */
  readonly afterClaims?: (claims: readonly KubeObject[]) => Promise<void>;
}

export interface RestoreSummary {
  readonly counts: Readonly<Record<ObjectOutcome, number>>;
  /** Set when the restore stopped before writing every object. */
  readonly error?: string;
}

/** Restores to one target; never throws for per-object failures, which go to status. */
export async function restoreToTarget(input: RestoreInput): Promise<RestoreSummary> {
  const { client, clock } = input;
  const at = (): string => clock.now().toISOString();
  const counts: Record<ObjectOutcome, number> = {
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
  };
  const total = input.objects.length;
  let done = 0;
  const record = (obj: KubeObject, outcome: ObjectOutcome, reason?: string): void => {
    counts[outcome] += 1;
    done += 1;
    input.emit({
      type: "RestoreObjectResult",
      at: at(),
      cluster: client.name,
      object: refOf(obj),
      outcome,
      ...(reason === undefined ? {} : { reason }),
    });
    input.onProgress?.({ task: `restore:${client.name}`, done, total });
  };
  input.emit({ type: "RestoreStarted", at: at(), cluster: client.name, name: input.name, itemsTotal: total });
  try {
    const desired: KubeObject[] = [];
    for (const obj of input.objects) {
      const out = transformForTarget(obj, input.spec, input.context);
      if (out.ok) desired.push(out.value);
      else
        record(
          obj,
          "failed",
          out.error.map((p) => `resourceModifiers[${p.modifier}]: ${p.message}`).join("; "),
        );
    }
    let types = input.types ?? indexTypes(await client.discover());
    const limit = pLimit(input.concurrency ?? 16);
    for (const step of restoreOrder(desired)) {
      checkAborted(input.signal);
      if (step.kind === "wait-crds-established") {
        await waitCrdsEstablished({
          client,
          crds: step.crds,
          clock,
          ...(input.signal === undefined ? {} : { signal: input.signal }),
        });
        // The new kinds are served now: discover again so their objects are listed.
        types = indexTypes(await client.discover());
        continue;
      }
      const live = await listLiveObjects(client, types, step.objects);
      const settled = await Promise.allSettled(
        step.objects.map((obj) =>
          limit(async () => {
            checkAborted(input.signal);
            const { outcome, reason } = await writeObject(client, obj, live, input.spec.overwrite === true);
            record(obj, outcome, reason);
          }),
        ),
      );
      checkAborted(input.signal);
      const broken = settled.find((s) => s.status === "rejected");
      if (broken !== undefined) throw broken.reason;
      if (step.tier === ("persistent-volume-claims" satisfies RestoreTier) && input.afterClaims !== undefined)
        await input.afterClaims(step.objects);
    }
    input.emit({ type: "RestoreCompleted", at: at(), cluster: client.name });
    return { counts };
  } catch (e) {
    const reason = isFerryError(e, "Aborted") ? "aborted before every object was written" : errorMessage(e);
    input.emit({ type: "RestoreFailed", at: at(), cluster: client.name, reason });
    return { counts, error: reason };
  }
}

/**
 * Writes one object: create when absent, server-side apply when Ferry's (or overwrite is
 * allowed), nothing when unchanged or foreign. A create that races another writer (or a run
 * killed after the write but before it was recorded) looks again instead of failing.
 */
async function writeObject(
  client: ClusterClient,
  obj: KubeObject,
  live: LiveObjects,
  overwrite: boolean,
): Promise<{ outcome: ObjectOutcome; reason?: string }> {
  let current = live.unlisted.has(objectKey(refOf(obj))) ? await client.get(refOf(obj)) : live.get(obj);
  for (let attempt = 0; ; attempt += 1) {
    const action = decideRestoreAction(obj, current, { overwrite });
    try {
      switch (action.action) {
        case "unchanged":
          return { outcome: "unchanged" };
        case "skip-foreign":
          return { outcome: "skipped", reason: action.reason };
        case "create":
          await client.create(action.object);
          return { outcome: "created" };
        case "update":
          await client.apply(action.object);
          return { outcome: "updated", reason: action.reason };
      }
    } catch (e) {
      const retry =
        attempt < 2 &&
        isFerryError(e, "Conflict") &&
        (statusReason(e) === "AlreadyExists" || action.action === "update");
      if (!retry) return { outcome: "failed", reason: errorMessage(e) };
      current = await client.get(refOf(obj));
    }
  }
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new FerryError("Aborted", "restore aborted");
}
