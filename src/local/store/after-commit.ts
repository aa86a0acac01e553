import type { KubeObject, WatchEventType } from "../api.js";
import type { Obj } from "../plain-object.js";
import type { ResourceRegistry } from "../resources/registry.js";
import type { ResourceDef } from "../resources/types.js";
import { text } from "../text.js";
import { crdResources } from "./crd.js";
import type { GarbageCollector } from "./gc.js";

/** A committed change, as the follow-ups of a write see it. */
export interface CommittedChange {
  def: ResourceDef;
  type: WatchEventType;
  object: KubeObject;
  previous: KubeObject | undefined;
}

/**
 * What a committed change sets off: a CRD (re)registers or drops its resources, a new
 * namespace gets its service account, and deletions go to the garbage collector.
 */
export function afterCommit(
  { registry, gc }: { registry: ResourceRegistry; gc: GarbageCollector },
  change: CommittedChange,
): void {
  const { def, type, object, previous } = change;
  const isCrd = def.group === "apiextensions.k8s.io" && def.resource === "customresourcedefinitions";
  if (isCrd) {
    const group = text((object["spec"] as Obj | undefined)?.["group"]);
    const plural = text(((object["spec"] as Obj | undefined)?.["names"] as Obj | undefined)?.["plural"]);
    if (type === "DELETED") registry.removeResource(group, plural);
    else if (object.metadata.deletionTimestamp === undefined) {
      registry.removeResource(group, plural);
      for (const d of crdResources(object)) registry.add(d);
    }
  }
  if (type === "ADDED" && def.group === "" && def.resource === "namespaces") gc.namespaceCreated(object);
  if (type === "DELETED") gc.removed(def, object);
  else if (object.metadata.deletionTimestamp !== undefined && previous !== undefined)
    gc.enqueueDeleting(def, object);
}
