import type { KubeObject, OwnerReference } from "../../api.js";

/** `namespace/name` (or `name` for cluster-scoped objects): a work-queue key. */
export function keyOf(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace === undefined || namespace === "" ? (name ?? "") : `${namespace}/${name ?? ""}`;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf("/");
  return slash < 0
    ? { namespace: undefined, name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The controller owner reference a controller puts on what it creates. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The owner that controls `object`, if any. */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

/** True when `owner` controls `object` (matched by uid, as the garbage collector does). */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return controllerOf(object)?.uid === owner.metadata.uid;
}

/** Reads a nested field without casts at every call site. */
export function field<T>(object: unknown, ...path: string[]): T | undefined {
  let current: unknown = object;
  for (const part of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current as T | undefined;
}

export const isDeleting = (object: KubeObject): boolean => object.metadata.deletionTimestamp !== undefined;

/** A deep copy, so a controller never mutates what the store handed it. */
export const clone = <T>(value: T): T => structuredClone(value);
