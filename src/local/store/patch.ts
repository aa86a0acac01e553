import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { parse as parseYaml } from "yaml";
import type { KubeObject } from "../api.js";
import { ApiError, badRequest, notFound } from "../errors.js";
import { mergePatch } from "../patch/merge-patch.js";
import { strategicMerge } from "../patch/strategic.js";
import { isObj, type Obj } from "../plain-object.js";
import { applyObject } from "./apply-patch.js";
import type { ClusterStore } from "./cluster-store.js";
import type { ObjectAddress, PatchType, WriteOptions } from "./store-types.js";
import { updateObject } from "./update.js";

/** A PATCH: the object's address, the patch type and body (text or decoded), and options. */
export interface PatchRequest extends ObjectAddress {
  type: PatchType;
  body: unknown;
  options: WriteOptions & { force?: boolean };
}

/** Patches an object (json, merge, strategic or server-side apply), as PATCH does. */
export function patchObject(
  store: ClusterStore,
  request: PatchRequest,
): { object: KubeObject; created: boolean } {
  const { def, namespace, name, type, body, options } = request;
  const patch = typeof body === "string" ? parsePatchBody(type, body) : body;
  const existing = store.peek(def, namespace, name);
  if (type === "apply") return applyObject(store, { def, namespace, name, patch, existing, options });
  if (existing === undefined) throw notFound(def.group, def.resource, name);
  const current = structuredClone(store.present(def, existing)) as Obj;
  let result: unknown;
  switch (type) {
    case "json": {
      if (!Array.isArray(patch)) throw badRequest("json patch must be a list of operations");
      try {
        result = jsonpatch.applyPatch(current, patch as Operation[], true, false).newDocument;
      } catch (e) {
        throw new ApiError(
          422,
          "Invalid",
          `the server rejected our request due to an error in our request: ${e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e)}`,
        );
      }
      break;
    }
    case "merge":
      result = mergePatch(current, patch);
      break;
    case "strategic":
      if (def.crd !== undefined) {
        throw new ApiError(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
      }
      result = strategicMerge(current, patch, store.cursorOf(def));
      break;
  }
  if (!isObj(result)) throw badRequest("the patched object is not an object");
  const next = result as KubeObject;
  if (!isObj(next.metadata)) next.metadata = {};
  return { object: updateObject(store, { def, namespace, name, body: next, options }), created: false };
}

function parsePatchBody(type: PatchType, body: string): unknown {
  try {
    return type === "apply" ? parseYaml(body) : JSON.parse(body);
  } catch (e) {
    throw badRequest(`error decoding patch: ${e instanceof Error ? e.message : String(e)}`);
  }
}
