import type { KubeObject } from "../api.js";
import { ApiError, conflict, notFound } from "../errors.js";
import type { Obj } from "../plain-object.js";
import type { ClusterStore } from "./cluster-store.js";
import { uidMismatch } from "./conflicts.js";
import { sameList } from "./object-compare.js";
import type { DeleteOptions, ObjectAddress } from "./store-types.js";

const PROTECTED_NAMESPACES = ["default", "kube-system", "kube-public"];

/** A DELETE: the object's address and the delete options. */
export interface DeleteRequest extends ObjectAddress {
  options: DeleteOptions;
}

/**
 * Deletes as DELETE does: preconditions, then either removes the object at once or marks it
 * deleting (deletionTimestamp) while finalizers remain: its own, those the propagation policy
 * adds, CRD clean-up, and always for namespaces, which the garbage collector empties first.
 */
export function deleteObject(
  store: ClusterStore,
  request: DeleteRequest,
): { object: KubeObject; deleted: boolean } {
  const { def, name, options } = request;
  const existing = store.peek(def, request.namespace, name);
  if (existing === undefined) throw notFound(def.group, def.resource, name);
  const pre = options.preconditions;
  if (pre?.uid !== undefined && pre.uid !== existing.metadata.uid) {
    throw uidMismatch(request, pre.uid, existing.metadata.uid);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata.resourceVersion) {
    throw conflict(
      def.group,
      def.resource,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion ?? ""}`,
    );
  }
  const isNamespace = def.group === "" && def.resource === "namespaces";
  if (isNamespace && PROTECTED_NAMESPACES.includes(name)) {
    throw new ApiError(
      403,
      "Forbidden",
      `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      {
        name,
        kind: "namespaces",
      },
    );
  }
  const isCrd = def.group === "apiextensions.k8s.io" && def.resource === "customresourcedefinitions";
  const policy = options.propagationPolicy ?? def.defaultPropagation;
  const finalizers = [...(existing.metadata.finalizers ?? [])];
  const hasDependents = (store.dependents.get(existing.metadata.uid ?? "")?.size ?? 0) > 0;
  if (policy === "Foreground" && hasDependents && !finalizers.includes("foregroundDeletion"))
    finalizers.push("foregroundDeletion");
  if (policy === "Orphan" && hasDependents && !finalizers.includes("orphan")) finalizers.push("orphan");
  if (isCrd && !finalizers.includes("customresourcecleanup.apiextensions.k8s.io"))
    finalizers.push("customresourcecleanup.apiextensions.k8s.io");
  if (options.dryRun === true)
    return { object: store.present(def, existing), deleted: finalizers.length === 0 && !isNamespace };
  if (isNamespace || finalizers.length > 0) {
    if (
      existing.metadata.deletionTimestamp !== undefined &&
      sameList(finalizers, existing.metadata.finalizers)
    ) {
      return { object: store.present(def, existing), deleted: false };
    }
    const next: KubeObject = {
      ...existing,
      metadata: {
        ...existing.metadata,
        deletionTimestamp: existing.metadata.deletionTimestamp ?? store.now(),
        deletionGracePeriodSeconds: 0,
        ...(finalizers.length > 0 ? { finalizers } : {}),
      },
    };
    if (isNamespace) next["status"] = { ...(existing["status"] as Obj | undefined), phase: "Terminating" };
    const committed = store.commit(def, next, "MODIFIED", existing);
    store.gc.enqueueDeleting(def, committed);
    return { object: store.present(def, committed), deleted: false };
  }
  return { object: store.present(def, store.commit(def, existing, "DELETED", existing)), deleted: true };
}
