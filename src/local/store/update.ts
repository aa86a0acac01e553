import type { KubeObject } from "../api.js";
import { badRequest, notFound } from "../errors.js";
import { recordUpdate } from "../patch/apply.js";
import { isObj } from "../plain-object.js";
import { checkKind } from "./check-kind.js";
import type { ClusterStore } from "./cluster-store.js";
import { staleWrite, uidMismatch } from "./conflicts.js";
import { crdStatus, defaultCrd } from "./crd.js";
import { normalizeSecret } from "./defaults.js";
import { managerInfo } from "./manager-info.js";
import { sameContent, specChanged } from "./object-compare.js";
import { checkQuota } from "./quota.js";
import { replacement } from "./replacement.js";
import type { ObjectAddress, WriteOptions } from "./store-types.js";

/** A replace as PUT sends it: the object's address, the body and the query options. */
export interface UpdateRequest extends ObjectAddress {
  body: unknown;
  options: WriteOptions;
}

/** Replaces an object as PUT does (or its status, for the status subresource). */
export function updateObject(store: ClusterStore, request: UpdateRequest): KubeObject {
  const { def, name, body, options } = request;
  if (!isObj(body)) throw badRequest("the body of the request was in an unknown format");
  const existing = store.peek(def, request.namespace, name);
  if (existing === undefined) throw notFound(def.group, def.resource, name);
  const incoming = body as KubeObject;
  checkKind(def, incoming);
  const meta = isObj(incoming.metadata) ? incoming.metadata : {};
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
    );
  }
  if (
    meta.resourceVersion !== undefined &&
    meta.resourceVersion !== "" &&
    meta.resourceVersion !== existing.metadata.resourceVersion
  ) {
    throw staleWrite(request);
  }
  if (meta.uid !== undefined && meta.uid !== "" && meta.uid !== existing.metadata.uid) {
    throw uidMismatch(request, String(meta.uid), existing.metadata.uid);
  }
  const status = options.subresource === "status";
  let next: KubeObject;
  if (status) {
    next = { ...existing, status: incoming["status"] };
    if (incoming["status"] === undefined) delete next["status"];
  } else {
    next = replacement(def, existing, incoming, meta);
    if (def.group === "" && def.resource === "secrets") normalizeSecret(next);
    store.validate(def, next, existing, options);
  }
  if (def.group === "apiextensions.k8s.io" && def.resource === "customresourcedefinitions" && !status) {
    defaultCrd(next);
    next["status"] = crdStatus(next, store.now());
  }
  if (def.generation && !status && specChanged(existing, next)) {
    next.metadata.generation = (existing.metadata.generation ?? 0) + 1;
  }
  if (!status) checkQuota(store, { def, object: next, previous: existing });
  if (options.managedFieldsSet !== true) {
    recordUpdate({
      previous: existing,
      next,
      schema: store.cursorOf(def),
      info: managerInfo(def, options, store.now()),
      scope: status ? "status" : "main",
    });
  }
  if (options.dryRun === true) return store.present(def, next);
  if (sameContent(existing, next)) return store.present(def, existing);
  if (
    next.metadata.deletionTimestamp !== undefined &&
    (next.metadata.finalizers ?? []).length === 0 &&
    !(def.group === "" && def.resource === "namespaces")
  ) {
    return store.present(def, store.commit(def, next, "DELETED", existing));
  }
  return store.present(def, store.commit(def, next, "MODIFIED", existing));
}
