import type { KubeObject } from "../api.js";
import type { Obj } from "../plain-object.js";
import type { ResourceDef } from "../resources/types.js";

/**
 * The object a PUT stores in place of `existing`: the incoming body (with its metadata
 * `meta`) with everything the server owns carried over from `existing`: identity, timestamps,
 * generation, deletion state, status (when a subresource), and a namespace's spec.
 */
export function replacement(
  def: ResourceDef,
  existing: KubeObject,
  incoming: KubeObject,
  meta: Obj,
): KubeObject {
  const next: KubeObject = { ...incoming, metadata: { ...meta } };
  const m = next.metadata as Obj;
  m["name"] = existing.metadata.name;
  if (def.namespaced) m["namespace"] = existing.metadata.namespace;
  else delete m["namespace"];
  m["uid"] = existing.metadata.uid;
  m["creationTimestamp"] = existing.metadata.creationTimestamp;
  if (existing.metadata.generation !== undefined) m["generation"] = existing.metadata.generation;
  if (existing.metadata.deletionTimestamp !== undefined) {
    m["deletionTimestamp"] = existing.metadata.deletionTimestamp;
    if (existing.metadata["deletionGracePeriodSeconds"] !== undefined)
      m["deletionGracePeriodSeconds"] = existing.metadata["deletionGracePeriodSeconds"];
  } else {
    delete m["deletionTimestamp"];
    delete m["deletionGracePeriodSeconds"];
  }
  if (m["managedFields"] === undefined && existing.metadata["managedFields"] !== undefined)
    m["managedFields"] = existing.metadata["managedFields"];
  if (def.status) {
    if (existing["status"] === undefined) delete next["status"];
    else next["status"] = existing["status"];
  }
  if (def.group === "" && def.resource === "namespaces") {
    next["spec"] = existing["spec"];
    next["status"] = existing["status"];
  }
  if (existing.metadata.deletionTimestamp !== undefined) {
    // Once deleting, finalizers can only be removed, never added.
    const before = existing.metadata.finalizers ?? [];
    const kept = ((m["finalizers"] as string[] | undefined) ?? []).filter((f) => before.includes(f));
    if (kept.length === 0) delete m["finalizers"];
    else m["finalizers"] = kept;
  }
  return next;
}
