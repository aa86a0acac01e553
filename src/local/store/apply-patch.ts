import type { KubeObject } from "../api.js";
import { badRequest, notFound } from "../errors.js";
import { serverSideApply } from "../patch/apply.js";
import { isObj, type Obj } from "../plain-object.js";
import { checkKind } from "./check-kind.js";
import type { ClusterStore } from "./cluster-store.js";
import { staleWrite } from "./conflicts.js";
import { prepareCreate } from "./create.js";
import { managerInfo } from "./manager-info.js";
import type { ObjectAddress, WriteOptions } from "./store-types.js";
import { updateObject } from "./update.js";

/** A server-side apply: the object's address, the applied configuration and the options. */
export interface ApplyRequest extends ObjectAddress {
  patch: unknown;
  existing: KubeObject | undefined;
  options: WriteOptions & { force?: boolean };
}

/**
 * Server-side apply: merges the applied configuration into the stored object (creating it
 * when absent) under the field manager's ownership, then writes it as create or update do.
 */
export function applyObject(
  store: ClusterStore,
  request: ApplyRequest,
): { object: KubeObject; created: boolean } {
  const { def, namespace, name, patch, existing, options } = request;
  if (!isObj(patch)) throw badRequest("the body of an apply patch must be an object");
  if (options.fieldManager === undefined || options.fieldManager === "") {
    throw badRequest("PATCH, PUT or POST requests with apply-patch must set the fieldManager parameter");
  }
  const applied = patch as KubeObject;
  const meta = isObj(applied.metadata) ? applied.metadata : {};
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
    );
  }
  const info = managerInfo(def, options, store.now());
  const scope = options.subresource === "status" ? "status" : "main";
  const merge = (current: KubeObject | undefined): KubeObject =>
    serverSideApply({
      current,
      applied,
      schema: store.cursorOf(def),
      info,
      force: options.force === true,
      scope,
    }) as KubeObject;
  if (existing === undefined) {
    if (options.subresource === "status") throw notFound(def.group, def.resource, name);
    const merged = merge(undefined);
    const managed = merged.metadata["managedFields"];
    const object = prepareCreate(store, {
      def,
      namespace,
      body: { ...merged, metadata: { ...merged.metadata, name } },
      options,
    });
    object.metadata["managedFields"] = managed;
    if (options.dryRun === true) return { object: store.present(def, object), created: true };
    return { object: store.present(def, store.commit(def, object, "ADDED", undefined)), created: true };
  }
  checkKind(def, { ...applied });
  if (meta.resourceVersion !== undefined && meta.resourceVersion !== existing.metadata.resourceVersion) {
    throw staleWrite(request);
  }
  const merged = merge(existing);
  (merged.metadata as Obj)["resourceVersion"] = existing.metadata.resourceVersion;
  const object = updateObject(store, {
    def,
    namespace,
    name,
    body: merged,
    options: { ...options, managedFieldsSet: true },
  });
  return { object, created: false };
}
