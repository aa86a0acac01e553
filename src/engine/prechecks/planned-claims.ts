/**
 * The claims a migration would create on a target: the export's PVCs with namespace and
 * storage-class mappings applied. Quota, limit and size checks reason about these.
 */
import { isRecord, type KubeObject } from "../kube-object.js";
import { mapNamespace, type NamespaceMapping } from "../transforms/namespace-mapping.js";
import { mapStorageClass, type StorageClassMapping } from "../transforms/storage-class-mapping.js";
import { pvcStorageRequest } from "../restore/pvc-size.js";
import { parseQuantity } from "../quantity.js";

export interface PlannedClaim {
  /** Target namespace. */
  readonly namespace: string;
  readonly sourceNamespace: string;
  readonly name: string;
  /** Target storage class; undefined when the claim relies on the default class. */
  readonly storageClass?: string;
  /** The request as written (`10Gi`) and in bytes (0 when absent or unparsable). */
  readonly storage?: string;
  readonly bytes: number;
}

/** The export's PVCs as they would be created on a target. */
export function plannedClaims(
  objects: readonly KubeObject[],
  mappings: {
    readonly namespaceMapping?: NamespaceMapping | undefined;
    readonly storageClassMapping?: StorageClassMapping | undefined;
  },
): PlannedClaim[] {
  return objects
    .filter(
      (o) =>
        o.kind === "PersistentVolumeClaim" && o.apiVersion === "v1" && o.metadata.namespace !== undefined,
    )
    .map((pvc) => {
      const sourceNamespace = pvc.metadata.namespace ?? "";
      const spec = isRecord(pvc["spec"]) ? pvc["spec"] : {};
      const cls =
        typeof spec["storageClassName"] === "string" && spec["storageClassName"] !== ""
          ? spec["storageClassName"]
          : undefined;
      const storage = pvcStorageRequest(pvc);
      const parsed = storage === undefined ? undefined : parseQuantity(storage);
      return {
        namespace: mapNamespace(sourceNamespace, mappings.namespaceMapping),
        sourceNamespace,
        name: pvc.metadata.name,
        ...(cls === undefined ? {} : { storageClass: mapStorageClass(cls, mappings.storageClassMapping) }),
        ...(storage === undefined ? {} : { storage }),
        bytes: parsed?.ok === true ? parsed.value : 0,
      };
    });
}
