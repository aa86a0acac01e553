import { randomUUID } from "node:crypto";
import type { KubeObject } from "../api.js";
import { alreadyExists, badRequest, invalid } from "../errors.js";
import { recordUpdate } from "../patch/apply.js";
import { isObj } from "../plain-object.js";
import type { ResourceDef } from "../resources/types.js";
import { checkKind } from "./check-kind.js";
import type { ClusterStore } from "./cluster-store.js";
import { crdStatus, defaultCrd } from "./crd.js";
import { checkCrdNames } from "./crd-names.js";
import { applyDefaults, normalizeSecret } from "./defaults.js";
import { freshName } from "./fresh-name.js";
import { managerInfo } from "./manager-info.js";
import { checkNamespaceOpen } from "./namespace-open.js";
import { checkQuota } from "./quota.js";
import type { WriteOptions } from "./store-types.js";

/** A create as POST sends it: the resource, the namespace on the URL and the body. */
export interface CreateRequest {
  def: ResourceDef;
  namespace: string | undefined;
  body: unknown;
  options: WriteOptions;
}

/** Creates an object as POST does: admission, defaults, validation, then commit. */
export function createObject(store: ClusterStore, request: CreateRequest): KubeObject {
  const { def, options } = request;
  const object = prepareCreate(store, request);
  recordUpdate({
    previous: undefined,
    next: object,
    schema: store.cursorOf(def),
    info: managerInfo(def, options, store.now()),
    scope: "main",
  });
  if (options.dryRun === true) return store.present(def, object);
  return store.present(def, store.commit(def, object, "ADDED", undefined));
}

/**
 * The object a create would store, not yet committed: namespace and name settled, server
 * fields (uid, timestamps, generation) set, defaulted, validated and quota-checked.
 */
export function prepareCreate(store: ClusterStore, request: CreateRequest): KubeObject {
  const { def, namespace, body, options } = request;
  if (!isObj(body)) throw badRequest("the body of the request was in an unknown format");
  const object = body as KubeObject;
  checkKind(def, object);
  const meta = isObj(object.metadata) ? { ...object.metadata } : {};
  object.metadata = meta;
  if (def.namespaced) {
    const ns = namespace ?? meta.namespace;
    if (ns === undefined || ns === "")
      throw badRequest("the server could not find the requested resource: a namespace is required");
    if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== ns) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    meta.namespace = ns;
  } else delete meta.namespace;
  if (
    (meta.name === undefined || meta.name === "") &&
    typeof meta.generateName === "string" &&
    meta.generateName !== ""
  ) {
    const ns = meta.namespace;
    meta.name = freshName(def, meta.generateName, (name) => store.peek(def, ns, name) !== undefined);
  }
  if (meta.name === undefined || meta.name === "") {
    throw invalid({
      group: def.group,
      kind: def.kind,
      name: "",
      causes: [
        {
          reason: "FieldValueRequired",
          message: "Required value: name or generateName is required",
          field: "metadata.name",
        },
      ],
    });
  }
  if (def.namespaced) {
    const ns = meta.namespace ?? "";
    checkNamespaceOpen(
      def,
      { namespace: ns, name: meta.name },
      store.peekByKey("/namespaces", undefined, ns),
    );
  }
  if (store.peek(def, meta.namespace, meta.name) !== undefined)
    throw alreadyExists(def.group, def.resource, meta.name);
  meta.uid = randomUUID();
  meta.creationTimestamp = store.now();
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.resourceVersion;
  delete meta.managedFields;
  if (def.generation) meta.generation = 1;
  else delete meta.generation;
  if (def.status) delete object["status"];
  applyDefaults(def, object, store.defaultsContext());
  const isCrd = def.group === "apiextensions.k8s.io" && def.resource === "customresourcedefinitions";
  if (def.group === "" && def.resource === "secrets") normalizeSecret(object);
  if (isCrd) defaultCrd(object);
  store.validate(def, object, undefined, options);
  if (isCrd) {
    checkCrdNames(store.registry, object);
    object["status"] = crdStatus(object, store.now());
  }
  checkQuota(store, { def, object, previous: undefined });
  return object;
}
