import type { KubeObject } from "../../api.js";
import { field } from "../runtime/objects.js";
import { parseQuantity } from "../runtime/quantity.js";

export const NO_PROVISIONER = "kubernetes.io/no-provisioner";

export const requestOf = (pvc: KubeObject | undefined): string | undefined =>
  field<string>(pvc, "spec", "resources", "requests", "storage");
export const capacityOf = (o: KubeObject | undefined): string | undefined =>
  field<string>(o, "status", "capacity", "storage");
export const bytes = (q: string | undefined): number => parseQuantity(q) ?? 0;
export const phaseOf = (o: KubeObject | undefined): string | undefined => field<string>(o, "status", "phase");

/** The claims a pod's volumes name. */
export function claimsOf(pod: KubeObject): string[] {
  const volumes = field<{ persistentVolumeClaim?: { claimName: string } }[]>(pod, "spec", "volumes") ?? [];
  return volumes.flatMap((v) =>
    v.persistentVolumeClaim === undefined ? [] : [v.persistentVolumeClaim.claimName],
  );
}
