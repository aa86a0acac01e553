import { KINDS, type Manifest } from "../manifests/types.js";
import type { ObjectKey } from "./types.js";

/** The key of a manifest: kind, namespace (for namespaced kinds that have one) and name. */
export function keyOf(manifest: Manifest): ObjectKey {
  const { name, namespace } = manifest.metadata;
  return namespace === undefined ? { kind: manifest.kind, name } : { kind: manifest.kind, name, namespace };
}

/** A map key: `Migration/shop/shop-to-west`, `Cluster//east-1`. */
export function keyString(key: ObjectKey): string {
  return `${key.kind}/${key.namespace ?? ""}/${key.name}`;
}

/** `shop/pg-dr`, or `east-1` for objects without a namespace. */
export function displayName(key: ObjectKey): string {
  return key.namespace === undefined ? key.name : `${key.namespace}/${key.name}`;
}

/** Kinds in the order of KINDS (infrastructure first), then namespace, then name. */
export function compareKeys(a: ObjectKey, b: ObjectKey): number {
  return (
    KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) ||
    (a.namespace ?? "").localeCompare(b.namespace ?? "") ||
    a.name.localeCompare(b.name)
  );
}
