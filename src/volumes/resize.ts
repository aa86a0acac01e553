/**
 * PVC resize as one operation: replication pauses (no cycle runs while `status.resize` is
 * set), the source claims and their target claims grow through the API, and replication
 * resumes. An interrupted or refused resize stays in status and is retried first by the next
 * reconcile, so the two sides never replicate at different sizes.
 */
import { FerryError, errorMessage } from "../core/errors.js";
import { reach } from "./connect.js";
import type { DirectionContext, ReplicateGroupInput } from "./context.js";
import { growClaim } from "./grow.js";
import { directionOf, initialStatus } from "./direction.js";
import { StatusBook } from "./status-book.js";
import type { VolumeReplicationStatus } from "./types.js";

/**
 * Grows the group's claims to `sizes` (source claim name → new size) on both sides. Returns
 * the new status; condition `Resized` says how it went.
 */
export async function resizeGroup(
  input: ReplicateGroupInput & { readonly sizes: Readonly<Record<string, string>> },
): Promise<VolumeReplicationStatus> {
  const book = new StatusBook(input.status ?? initialStatus(input), input.onEvent);
  const direction = directionOf(input);
  for (const pvc of Object.keys(input.sizes)) {
    if (direction.pvcMap[pvc] === undefined) {
      throw new FerryError(
        "Invalid",
        `claim ${pvc} is not a source claim of VolumeReplication ${input.replication.metadata.name}`,
      );
    }
  }
  book.update({ resize: { sizes: input.sizes, startedAt: input.clock.now().toISOString() } });
  const source = await reach(input.clusters, direction.sourceCluster);
  const target = await reach(input.clusters, direction.targetCluster);
  if (source.client === undefined || target.client === undefined) {
    book.condition(
      {
        type: "Resized",
        status: "False",
        reason: "Unreachable",
        message: source.problem ?? target.problem ?? "",
      },
      input.clock.now(),
    );
    return book.status;
  }
  try {
    await completeResize({ input, book, source: source.client, target: target.client, direction });
  } catch {
    // completeResize recorded why; the resize stays pending.
  }
  return book.status;
}

/** Grows both sides to the pending sizes; clears `status.resize` once both have grown. */
export async function completeResize(ctx: DirectionContext): Promise<void> {
  const { input, book, direction } = ctx;
  const pending = book.status.resize;
  if (pending === undefined) return;
  const namespace = input.replication.metadata.namespace;
  const previousPhase = book.status.phase;
  book.update({ phase: "Resizing" });
  book.condition(
    {
      type: "Resized",
      status: "False",
      reason: "Resizing",
      message: "replication paused while both sides grow",
    },
    input.clock.now(),
  );
  try {
    for (const [sourcePvc, size] of Object.entries(pending.sizes)) {
      // The role may have swapped since the resize was asked for: the map is read both ways.
      const targetPvc =
        direction.pvcMap[sourcePvc] ??
        Object.entries(direction.pvcMap).find(([, t]) => t === sourcePvc)?.[0] ??
        sourcePvc;
      const common = {
        namespace,
        size,
        clock: input.clock,
        ...(input.signal === undefined ? {} : { signal: input.signal }),
      };
      await growClaim({
        client: ctx.source,
        claim: sourcePvc in direction.pvcMap ? sourcePvc : targetPvc,
        ...common,
      });
      await growClaim({
        client: ctx.target,
        claim: sourcePvc in direction.pvcMap ? targetPvc : sourcePvc,
        ...common,
      });
    }
  } catch (e) {
    book.update({ phase: "Blocked" });
    book.condition(
      { type: "Resized", status: "False", reason: "ResizeFailed", message: errorMessage(e) },
      input.clock.now(),
    );
    throw e;
  }
  book.update({ resize: undefined, phase: previousPhase === "Resizing" ? "Idle" : previousPhase });
  book.condition(
    {
      type: "Resized",
      status: "True",
      reason: "BothSidesGrown",
      message: Object.entries(pending.sizes)
        .map(([pvc, size]) => `${pvc}: ${size}`)
        .join(", "),
    },
    input.clock.now(),
  );
}
