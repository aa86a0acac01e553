import { parseQuantity } from "../../engine/quantity.js";
import type { VolumeGroup, VolumeReplication } from "../../manifests/types.js";
import type { Severity } from "../types.js";
import { list, title } from "./context.js";

/** What a change of a VolumeGroup's `spec.capacity` will do, in words. */
export interface CapacityChange {
  /** `capacity of data-pg-0 raised from 1Gi to 2Gi` …, empty when the capacity did not change. */
  readonly parts: readonly string[];
  readonly details: readonly string[];
  readonly severity: Severity;
}

/**
 * Raised (or new) sizes grow the claims of every replication that has the group as its
 * source, on both sides, replication paused meanwhile — irreversibly. Lowered sizes shrink
 * nothing: claims already larger keep their size and are reported.
 */
export function describeCapacityChange(
  base: VolumeGroup | undefined,
  head: VolumeGroup,
  replications: readonly VolumeReplication[],
): CapacityChange {
  const before = base?.spec.capacity ?? {};
  const after = head.spec.capacity ?? {};
  const raised: string[] = [];
  const lowered: string[] = [];
  const dropped: string[] = [];
  for (const [pvc, size] of Object.entries(after)) {
    const old = before[pvc];
    if (old === undefined) raised.push(`${pvc} set to ${size}`);
    else if (bytes(size) > bytes(old)) raised.push(`${pvc} raised from ${old} to ${size}`);
    else if (bytes(size) < bytes(old)) lowered.push(`${pvc} lowered from ${old} to ${size}`);
  }
  for (const pvc of Object.keys(before)) if (!(pvc in after)) dropped.push(pvc);

  const parts: string[] = [];
  const details: string[] = [];
  if (raised.length > 0) parts.push(`capacity of ${list(raised)}`);
  if (lowered.length > 0) parts.push(`capacity of ${list(lowered)}`);
  if (dropped.length > 0) parts.push(`capacity no longer set for ${list(dropped)}`);
  const sources = replications.filter(
    (r) =>
      r.metadata.namespace === head.metadata.namespace && r.spec.source.volumeGroup === head.metadata.name,
  );
  if (raised.length > 0) {
    details.push(
      sources.length === 0
        ? "No VolumeReplication has this group as its source: nothing grows until one does."
        : `${list(sources.map((r) => `${title(r)} (${r.spec.source.cluster} → ${r.spec.target.cluster})`))} will pause replication, grow any smaller claim on both sides and resume; a claim cannot be shrunk back.`,
    );
  }
  if (lowered.length > 0) {
    details.push(
      "Kubernetes cannot shrink a claim: claims already larger keep their size, and Ferry reports them (condition Capacity: ShrinkNotPossible).",
    );
  }
  if (dropped.length > 0) details.push("Claims keep their current size.");
  return { parts, details, severity: lowered.length > 0 ? "warning" : "info" };
}

function bytes(size: string): number {
  const parsed = parseQuantity(size);
  return parsed.ok ? parsed.value : 0;
}
