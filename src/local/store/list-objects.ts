import type { KubeObject } from "../api.js";
import type { ResourceDef } from "../resources/types.js";
import { fieldMatcher, labelMatcher } from "./selectors.js";
import type { ListFilter } from "./store-types.js";

/**
 * The objects of one resource's bucket that match `filter` (namespace, label and field
 * selectors), sorted by object key (namespace, then name), each as `present` serves it.
 */
export function listObjects(
  bucket: ReadonlyMap<string, KubeObject>,
  query: { def: ResourceDef; filter: ListFilter; present: (object: KubeObject) => KubeObject },
): KubeObject[] {
  const { def, filter, present } = query;
  const labels = labelMatcher(filter.labelSelector);
  const fields = fieldMatcher(filter.fieldSelector);
  const prefix =
    def.namespaced && filter.namespace !== undefined && filter.namespace !== ""
      ? `${filter.namespace}/`
      : undefined;
  const keys = [...bucket.keys()].filter((k) => prefix === undefined || k.startsWith(prefix)).sort();
  const out: KubeObject[] = [];
  for (const key of keys) {
    const object = bucket.get(key);
    if (object !== undefined && labels(object) && fields(object)) out.push(present(object));
  }
  return out;
}
