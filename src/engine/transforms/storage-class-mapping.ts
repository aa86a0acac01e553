/**
 * `storageClassMapping`: renames storage classes for targets that call them differently.
 * Applies to a PVC's `spec.storageClassName` and to a StatefulSet's volume claim templates.
 * A PVC without a class uses the target's default class and is left alone.
 */
import { cloneObject, isRecord, type KubeObject } from "../kube-object.js";

export type StorageClassMapping = Readonly<Record<string, string>>;

/** The target class for a source class: mapped, or unchanged. */
export function mapStorageClass(name: string, mapping: StorageClassMapping | undefined): string {
  return mapping !== undefined && Object.hasOwn(mapping, name) ? (mapping[name] ?? name) : name;
}

/** A copy of `obj` with storage class names mapped; other objects are returned as they are. */
export function applyStorageClassMapping(
  obj: KubeObject,
  mapping: StorageClassMapping | undefined,
): KubeObject {
  if (mapping === undefined || Object.keys(mapping).length === 0) return obj;
  if (obj.kind === "PersistentVolumeClaim" && obj.apiVersion === "v1") {
    const copy = cloneObject(obj);
    mapClaimSpec(copy["spec"], mapping);
    return copy;
  }
  if (obj.kind === "StatefulSet" && obj.apiVersion === "apps/v1") {
    const copy = cloneObject(obj);
    const spec = copy["spec"];
    const templates = isRecord(spec) ? spec["volumeClaimTemplates"] : undefined;
    if (Array.isArray(templates))
      for (const t of templates.filter(isRecord)) mapClaimSpec(t["spec"], mapping);
    return copy;
  }
  return obj;
}

function mapClaimSpec(spec: unknown, mapping: StorageClassMapping): void {
  if (isRecord(spec) && typeof spec["storageClassName"] === "string") {
    spec["storageClassName"] = mapStorageClass(spec["storageClassName"], mapping);
  }
}

/** The storage classes a set of objects asks for (PVCs and claim templates), for pre-checks. */
export function storageClassesUsed(objects: readonly KubeObject[]): string[] {
  const classes = new Set<string>();
  const note = (spec: unknown): void => {
    if (isRecord(spec) && typeof spec["storageClassName"] === "string" && spec["storageClassName"] !== "") {
      classes.add(spec["storageClassName"]);
    }
  };
  for (const obj of objects) {
    if (obj.kind === "PersistentVolumeClaim") note(obj["spec"]);
    if (
      obj.kind === "StatefulSet" &&
      isRecord(obj["spec"]) &&
      Array.isArray(obj["spec"]["volumeClaimTemplates"])
    ) {
      for (const t of obj["spec"]["volumeClaimTemplates"].filter(isRecord)) note(t["spec"]);
    }
  }
  return [...classes].sort();
}
