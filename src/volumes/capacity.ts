/**
 * A VolumeGroup's `spec.capacity` against the live claims, as pure functions: which claims
 * must grow (the resize to run, both sides at once) and which are already larger than asked
 * (Kubernetes cannot shrink a claim, so that is only reported).
 */
import type { KubeObject } from "../engine/kube-object.js";
import { formatBytes, parseQuantity } from "../engine/quantity.js";
import { requestedBytes, requestedSize } from "./cluster-objects.js";
import type { VolumeReplicationStatus } from "./types.js";

export interface CapacityInput {
  readonly namespace: string;
  /** The source VolumeGroup's name (for messages). */
  readonly group: string;
  /** Its `spec.capacity`: source claim → desired minimum size. */
  readonly desired: Readonly<Record<string, string>>;
  /** Source claim → target claim, in the current direction. */
  readonly pvcMap: Readonly<Record<string, string>>;
  readonly sourceCluster: string;
  readonly targetCluster: string;
  readonly sourceClaims: ReadonlyMap<string, KubeObject>;
  readonly targetClaims: ReadonlyMap<string, KubeObject>;
}

export interface CapacityVerdict {
  /** Source claim → size: claims (on either side) smaller than desired; the resize to run. */
  readonly grow: Readonly<Record<string, string>>;
  /** Claims larger than desired, one sentence each: reported, never shrunk. */
  readonly larger: readonly string[];
}

/**
 * Compares each desired size with the requested size of the source claim and of its target.
 * A claim that does not exist yet is left to ConfigurationReconciliation (it creates targets
 * at their source's size, which the resize has grown first).
 */
export function compareCapacity(input: CapacityInput): CapacityVerdict {
  const grow: Record<string, string> = {};
  const larger: string[] = [];
  for (const [pvc, size] of Object.entries(input.desired)) {
    const want = parseQuantity(size);
    if (!want.ok) continue; // validation refuses such a manifest; nothing to act on
    const target = input.pvcMap[pvc];
    const sides = [
      { cluster: input.sourceCluster, claim: pvc, live: input.sourceClaims.get(pvc) },
      ...(target === undefined
        ? []
        : [{ cluster: input.targetCluster, claim: target, live: input.targetClaims.get(target) }]),
    ];
    for (const side of sides) {
      if (side.live === undefined) continue;
      const have = requestedBytes(side.live);
      if (have < want.value) grow[pvc] = size;
      if (have > want.value) {
        larger.push(
          `claim ${input.namespace}/${side.claim} on ${side.cluster} requests ${requestedSize(side.live) ?? formatBytes(have)}, more than ${size} in VolumeGroup ${input.group} spec.capacity; Kubernetes cannot shrink a claim, so it keeps its size`,
        );
      }
    }
  }
  return { grow, larger };
}

type PendingResize = NonNullable<VolumeReplicationStatus["resize"]>;

/**
 * The resize to carry out after a capacity comparison. A resize asked for by an earlier
 * capacity is replaced by the current one (so lowering a refused size in Git withdraws it);
 * one asked for from the command line is kept, each claim at the larger of the two sizes.
 */
export function nextResize(options: {
  readonly pending: PendingResize | undefined;
  readonly grow: Readonly<Record<string, string>>;
  readonly now: Date;
}): PendingResize | undefined {
  const { pending, grow } = options;
  const fromCapacity = pending === undefined || pending.requestedBy === "capacity";
  const sizes: Record<string, string> = fromCapacity ? {} : { ...pending.sizes };
  for (const [pvc, size] of Object.entries(grow)) {
    const kept = sizes[pvc];
    if (kept === undefined || bytes(size) > bytes(kept)) sizes[pvc] = size;
  }
  if (Object.keys(sizes).length === 0) return undefined;
  if (pending !== undefined && sameSizes(pending.sizes, sizes)) return pending;
  return {
    sizes,
    startedAt: pending?.startedAt ?? options.now.toISOString(),
    ...(fromCapacity ? { requestedBy: "capacity" as const } : {}),
  };
}

/** True when the source group's capacity differs from the one last reconciled (status.capacity). */
export function capacityChanged(
  desired: Readonly<Record<string, string>> | undefined,
  reconciled: Readonly<Record<string, string>> | undefined,
): boolean {
  return !sameSizes(desired ?? {}, reconciled ?? {});
}

function sameSizes(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function bytes(size: string): number {
  const parsed = parseQuantity(size);
  return parsed.ok ? parsed.value : 0;
}
