/**
 * The capacity step of a reconcile, before ConfigurationReconciliation: the source
 * VolumeGroup's `spec.capacity` is compared with the claims on both sides (`compareCapacity`).
 * What must grow becomes the pending `status.resize` — recorded before any claim is touched,
 * so an interruption resumes it — and is carried out by `completeResize` while no cycle runs.
 * Claims already larger than asked are reported in condition `Capacity`, never shrunk.
 */
import type { ClusterClient } from "../cluster/port.js";
import type { KubeObject } from "../engine/kube-object.js";
import { capacityChanged, compareCapacity, nextResize } from "./capacity.js";
import { claimRef } from "./cluster-objects.js";
import type { DirectionContext } from "./context.js";
import { completeResize } from "./resize.js";

/** Runs a resize the capacity (or `ferry replicate --resize`) asks for; throws when it fails. */
export async function ensureCapacity(ctx: DirectionContext): Promise<void> {
  const { input, book, direction } = ctx;
  const namespace = input.replication.metadata.namespace;
  const desired = input.groups.get(direction.sourceGroup)?.spec.capacity;
  let larger: readonly string[] = [];
  if (desired !== undefined) {
    const sourcePvcs = Object.keys(desired);
    const targetPvcs = sourcePvcs.flatMap((p) => direction.pvcMap[p] ?? []);
    const verdict = compareCapacity({
      namespace,
      group: direction.sourceGroup,
      desired,
      pvcMap: direction.pvcMap,
      sourceCluster: direction.sourceCluster,
      targetCluster: direction.targetCluster,
      sourceClaims: await readClaims(ctx.source, namespace, sourcePvcs),
      targetClaims: await readClaims(ctx.target, namespace, targetPvcs),
    });
    larger = verdict.larger;
    const resize = nextResize({ pending: book.status.resize, grow: verdict.grow, now: input.clock.now() });
    if (resize !== book.status.resize) book.update({ resize });
  } else if (book.status.resize?.requestedBy === "capacity") {
    // The capacity was removed from Git: what it asked for and not yet done is withdrawn.
    book.update({ resize: undefined });
  }
  const pending = book.status.resize;
  if (pending !== undefined) {
    if (desired !== undefined) {
      book.condition(
        {
          type: "Capacity",
          status: "False",
          reason: "Growing",
          message: `growing ${sizesText(pending.sizes)} on both sides, replication paused`,
        },
        input.clock.now(),
      );
    }
    try {
      await completeResize(ctx);
    } catch (e) {
      if (desired !== undefined) {
        book.condition(
          {
            type: "Capacity",
            status: "False",
            reason: "ResizeFailed",
            message: `growing ${sizesText(pending.sizes)} failed (condition Resized says why); retried on the next reconcile`,
          },
          input.clock.now(),
        );
      }
      throw e;
    }
  }
  if (desired === undefined) {
    if (book.status.capacity !== undefined || book.status.conditions.some((c) => c.type === "Capacity")) {
      book.update({
        capacity: undefined,
        conditions: book.status.conditions.filter((c) => c.type !== "Capacity"),
      });
    }
    return;
  }
  if (capacityChanged(desired, book.status.capacity)) book.update({ capacity: desired });
  book.condition(
    larger.length > 0
      ? { type: "Capacity", status: "False", reason: "ShrinkNotPossible", message: larger.join("; ") }
      : { type: "Capacity", status: "True", reason: "AtDesiredCapacity", message: sizesText(desired) },
    input.clock.now(),
  );
}

function sizesText(sizes: Readonly<Record<string, string>>): string {
  return Object.entries(sizes)
    .map(([pvc, size]) => `${pvc}: ${size}`)
    .join(", ");
}

async function readClaims(
  client: ClusterClient,
  namespace: string,
  names: readonly string[],
): Promise<Map<string, KubeObject>> {
  const found = await Promise.all(names.map((n) => client.get(claimRef(namespace, n))));
  const claims = new Map<string, KubeObject>();
  names.forEach((n, i) => {
    const claim = found[i];
    if (claim !== undefined) claims.set(n, claim);
  });
  return claims;
}
