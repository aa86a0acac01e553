import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import type { KubeObject } from "../api.js";
import { ApiError, badRequest, conflict } from "../errors.js";
import { pathValue } from "../resources/columns.js";
import type { ResourceDef } from "../resources/types.js";
import type { ClusterStore } from "../store/cluster-store.js";
import type { PatchType, WriteOptions } from "../store/store-types.js";
import { mergePatch } from "../patch/merge-patch.js";
import { selectorString } from "../store/selectors.js";

type Obj = Record<string, unknown>;

/** The autoscaling/v1 Scale of an object, read through the resource's scale paths. */
export function readScale(def: ResourceDef, object: KubeObject): Obj {
  const spec = def.scale;
  if (spec === undefined)
    throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  const selector =
    spec.labelSelectorPath === undefined ? undefined : pathValue(object, spec.labelSelectorPath);
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: object.metadata.name,
      ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: (pathValue(object, spec.specReplicasPath) as number | undefined) ?? 0 },
    status: {
      replicas: (pathValue(object, spec.statusReplicasPath) as number | undefined) ?? 0,
      ...(selector === undefined
        ? {}
        : { selector: typeof selector === "string" ? selector : selectorString(selector) }),
    },
  };
}

function setPath(object: Obj, path: string, value: unknown): Obj {
  const [head, ...rest] = path.split(".");
  if (head === undefined) return object;
  const child = object[head];
  return {
    ...object,
    [head]:
      rest.length === 0
        ? value
        : setPath(typeof child === "object" && child !== null ? (child as Obj) : {}, rest.join("."), value),
  };
}

/** PUT or PATCH of `/scale`: computes the new Scale and writes its replicas to the object. */
export function writeScale(options: {
  store: ClusterStore;
  def: ResourceDef;
  namespace: string | undefined;
  name: string;
  text: string;
  patchType: PatchType | undefined;
  options: WriteOptions;
}): Obj {
  const { store, def, namespace, name } = options;
  const object = store.get(def, namespace, name);
  const current = readScale(def, object);
  let body: unknown;
  try {
    body = JSON.parse(options.text);
  } catch (e) {
    throw badRequest(`error decoding scale: ${e instanceof Error ? e.message : String(e)}`);
  }
  let next: Obj;
  if (options.patchType === undefined) next = body as Obj;
  else if (options.patchType === "json")
    next = jsonpatch.applyPatch(structuredClone(current), body as Operation[], true, false).newDocument;
  else next = mergePatch(current, body) as Obj;
  const meta = (next["metadata"] ?? {}) as Obj;
  if (
    typeof meta["resourceVersion"] === "string" &&
    meta["resourceVersion"] !== "" &&
    meta["resourceVersion"] !== object.metadata.resourceVersion
  ) {
    throw conflict(
      def.group,
      def.resource,
      name,
      "the object has been modified; please apply your changes to the latest version and try again",
    );
  }
  const replicas = (next["spec"] as Obj | undefined)?.["replicas"];
  if (typeof replicas !== "number" || replicas < 0 || !Number.isInteger(replicas)) {
    throw new ApiError(
      422,
      "Invalid",
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    );
  }
  const updated = setPath(object, def.scale?.specReplicasPath ?? "spec.replicas", replicas) as KubeObject;
  const written = store.update(def, namespace, name, updated, options.options);
  return readScale(def, written);
}
