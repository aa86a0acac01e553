import type { KubeObject } from "../api.js";
import { badRequest } from "../errors.js";
import { apiVersionOf, type ResourceDef } from "../resources/types.js";

/**
 * Checks a body's kind and apiVersion against the resource it was sent to, then sets both to
 * the resource's. Another version of the same group is accepted, as the real server converts.
 */
export function checkKind(def: ResourceDef, object: KubeObject): void {
  const apiVersion = apiVersionOf(def.group, def.version);
  if (object.kind !== undefined && object.kind !== "" && object.kind !== def.kind) {
    throw badRequest(
      `the kind in the data (${String(object.kind)}) does not match the expected kind (${def.kind})`,
    );
  }
  const given = object.apiVersion as string | undefined;
  if (given !== undefined && given !== "" && given !== apiVersion) {
    const groupOf = (av: string): string => (av.includes("/") ? (av.split("/")[0] ?? "") : "");
    if (groupOf(given) !== def.group)
      throw badRequest(
        `the API version in the data (${given}) does not match the expected API version (${apiVersion})`,
      );
  }
  object.apiVersion = apiVersion;
  object.kind = def.kind;
}
