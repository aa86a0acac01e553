/**
 * Drift on targets: after a migration, Ferry records per target the objects it wrote with a
 * fingerprint of their content; a later reconcile compares the live objects with that
 * record. The fingerprint leaves out what the server and controllers own (status, uid,
 * resourceVersion, managedFields, generation, timestamps, annotations other than Ferry's
 * desired hash, a claim's volumeName), so a controller updating status is not drift, while a person scaling a
 * Deployment, editing a ConfigMap or deleting an object is.
 */
import { createHash } from "node:crypto";
import { isRecord, type KubeObject } from "../../engine/kube-object.js";
import { DESIRED_HASH_ANNOTATION } from "../../engine/ferry-metadata.js";
import { canonicalJson } from "../../engine/restore/desired-hash.js";

/** One object Ferry wrote on a target: `apiVersion`, `kind`, `namespace/name`, fingerprint. */
export interface InventoryItem {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly fingerprint: string;
}

export interface DriftItem {
  readonly cluster: string;
  readonly object: string;
  readonly change: "changed" | "deleted";
}

/** Observed live state: per target cluster, object key → fingerprint (absent: not found). */
export type LiveFingerprints = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** `Kind/namespace/name` (`Kind/name` for cluster-scoped objects). */
export function inventoryKey(item: { kind: string; name: string; namespace?: string | undefined }): string {
  return item.namespace === undefined
    ? `${item.kind}/${item.name}`
    : `${item.kind}/${item.namespace}/${item.name}`;
}

/** The fingerprint of what a person could change on a live object. */
export function liveFingerprint(obj: KubeObject): string {
  const { metadata, status: _status, ...rest } = obj as KubeObject & { status?: unknown };
  const desired = metadata.annotations?.[DESIRED_HASH_ANNOTATION];
  const content = {
    ...rest,
    // The binder sets a claim's volumeName after Ferry created it: not a change by a person.
    ...(obj.kind === "PersistentVolumeClaim" && isRecord(rest["spec"])
      ? { spec: { ...rest["spec"], volumeName: undefined } }
      : {}),
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      labels: metadata.labels,
      desired,
    },
  };
  return createHash("sha256").update(canonicalJson(content)).digest("hex").slice(0, 16);
}

/** The inventory entry of a live object. */
export function inventoryItem(obj: KubeObject): InventoryItem {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace === undefined ? {} : { namespace: obj.metadata.namespace }),
    fingerprint: liveFingerprint(obj),
  };
}

/** Objects of the inventory that changed or disappeared, sorted by cluster then object. */
export function compareInventory(
  inventory: Readonly<Record<string, readonly InventoryItem[]>>,
  live: LiveFingerprints,
): DriftItem[] {
  const drift: DriftItem[] = [];
  for (const [cluster, items] of Object.entries(inventory).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const seen = live.get(cluster);
    // A cluster Ferry could not observe says nothing about drift.
    if (seen === undefined) continue;
    for (const item of items) {
      const key = inventoryKey(item);
      const fingerprint = seen.get(key);
      if (fingerprint === undefined) drift.push({ cluster, object: key, change: "deleted" });
      else if (fingerprint !== item.fingerprint) drift.push({ cluster, object: key, change: "changed" });
    }
  }
  return drift;
}

/** True when two drift lists say the same. */
export function sameDrift(a: readonly DriftItem[], b: readonly DriftItem[]): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
