/**
 * A PVC can grow but never shrink. When the target's claim is already larger than the
 * source's (grown by a remediation or by hand), Ferry keeps the larger request instead of
 * writing an update the API server would refuse.
 */
import { cloneObject, isRecord, type KubeObject } from "../kube-object.js";
import { parseQuantity } from "../quantity.js";

/** The storage request of a PVC (`spec.resources.requests.storage`), if any. */
export function pvcStorageRequest(obj: KubeObject): string | undefined {
  const spec = obj["spec"];
  const resources = isRecord(spec) ? spec["resources"] : undefined;
  const requests = isRecord(resources) ? resources["requests"] : undefined;
  const storage = isRecord(requests) ? requests["storage"] : undefined;
  return typeof storage === "string" ? storage : undefined;
}

/** `desired` with the live claim's request when that one is larger; other objects unchanged. */
export function keepLargerPvcRequest(desired: KubeObject, live: KubeObject): KubeObject {
  if (desired.kind !== "PersistentVolumeClaim" || desired.apiVersion !== "v1") return desired;
  const want = pvcStorageRequest(desired);
  const have = pvcStorageRequest(live);
  if (want === undefined || have === undefined) return desired;
  const wantBytes = parseQuantity(want);
  const haveBytes = parseQuantity(have);
  if (!wantBytes.ok || !haveBytes.ok || haveBytes.value <= wantBytes.value) return desired;
  const copy = cloneObject(desired);
  const spec = copy["spec"] as Record<string, unknown>;
  const resources = spec["resources"] as Record<string, unknown>;
  resources["requests"] = { ...(resources["requests"] as Record<string, unknown>), storage: have };
  return copy;
}
