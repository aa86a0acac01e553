import type { GroupVersionResource, KubeObject, LocalApi } from "../../api.js";
import { stableJson } from "../runtime/hash.js";

/** Writes `.status` only when it changed: a second reconcile of the same state writes nothing. */
export function writeStatusIfChanged(
  api: LocalApi,
  gvr: GroupVersionResource,
  object: KubeObject,
  status: Record<string, unknown>,
): void {
  if (stableJson(status) === stableJson(object["status"] ?? {})) return;
  api.updateStatus(gvr, { ...object, status });
}
