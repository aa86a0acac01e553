import type { SchemaCursor } from "../schema/cursor.js";
import { isObj, type Obj } from "../plain-object.js";

/**
 * Field sets of server-side apply: which fields of an object a manager owns. A path is a list
 * of fieldsV1 elements (`f:spec`, `k:{"name":"app"}`, `v:"x"`, `.`) joined by SEP.
 */
export const SEP = "\u0000";

const TRACKED_METADATA = new Set(["labels", "annotations", "finalizers", "ownerReferences"]);

/** The fields an object sets: leaves, keyed list items and set members. */
export function fieldsOf(object: Obj, schema: SchemaCursor, scope: "main" | "status"): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(object)) {
    if (scope === "status" ? key !== "status" : key === "status" || key === "apiVersion" || key === "kind")
      continue;
    if (key === "metadata" && isObj(value)) {
      for (const [mk, mv] of Object.entries(value)) {
        if (TRACKED_METADATA.has(mk))
          collect(mv, schema.field("metadata").field(mk), `f:metadata${SEP}f:${mk}`, out);
      }
      continue;
    }
    collect(value, schema.field(key), `f:${key}`, out);
  }
  return out;
}

/** The fieldsV1 element naming a keyed list item. */
export const itemElement = (item: Obj, keys: readonly string[]): string => {
  const id: Obj = {};
  for (const k of [...keys].sort()) if (item[k] !== undefined) id[k] = item[k];
  return `k:${JSON.stringify(id)}`;
};

function collect(value: unknown, schema: SchemaCursor, path: string, out: Set<string>): void {
  if (value === null || value === undefined) return;
  if (isObj(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) {
      out.add(path);
      return;
    }
    for (const [k, v] of entries) collect(v, schema.field(k), `${path}${SEP}f:${k}`, out);
    return;
  }
  if (Array.isArray(value)) {
    const keys = schema.listKeys();
    if (keys !== undefined && value.every(isObj)) {
      for (const item of value) {
        const element = `${path}${SEP}${itemElement(item, keys)}`;
        out.add(`${element}${SEP}.`);
        for (const [k, v] of Object.entries(item))
          collect(v, schema.item().field(k), `${element}${SEP}f:${k}`, out);
      }
      return;
    }
    if (schema.isSet()) {
      for (const item of value) out.add(`${path}${SEP}v:${JSON.stringify(item)}`);
      return;
    }
  }
  out.add(path);
}

/** A field set as the nested fieldsV1 JSON stored in managedFields. */
export function toFieldsV1(fields: Iterable<string>): Obj {
  const root: Obj = {};
  for (const path of fields) {
    let node = root;
    for (const element of path.split(SEP)) {
      const existing = node[element];
      const next: Obj = isObj(existing) ? existing : {};
      node[element] = next;
      node = next;
    }
  }
  return root;
}

/** Reads fieldsV1 JSON back into a field set. */
export function fromFieldsV1(fieldsV1: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: string): void => {
    if (!isObj(node)) return;
    const entries = Object.entries(node);
    if (entries.length === 0 && path !== "") out.add(path);
    for (const [element, child] of entries) walk(child, path === "" ? element : `${path}${SEP}${element}`);
  };
  walk(fieldsV1, "");
  return out;
}

const NONE = Symbol("none");

function step(current: unknown, element: string): unknown {
  if (element === ".") return current;
  if (element.startsWith("f:")) return isObj(current) ? (current[element.slice(2)] ?? NONE) : NONE;
  if (!Array.isArray(current)) return NONE;
  if (element.startsWith("k:")) {
    const id = JSON.parse(element.slice(2)) as Obj;
    return (
      current.find(
        (item) =>
          isObj(item) && Object.entries(id).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v)),
      ) ?? NONE
    );
  }
  if (element.startsWith("v:")) {
    const wanted = element.slice(2);
    return current.find((item) => JSON.stringify(item) === wanted) ?? NONE;
  }
  return NONE;
}

/** The value at a field path, or undefined when absent. */
export function valueAt(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const element of path.split(SEP)) {
    current = step(current, element);
    if (current === NONE) return undefined;
  }
  return current;
}

/** Removes the field at a path from an object (in place): a leaf, a keyed item or a set member. */
export function removeAt(object: Obj, path: string): void {
  const elements = path.split(SEP);
  if (elements[elements.length - 1] === ".") elements.pop();
  const last = elements.pop();
  if (last === undefined) return;
  let parent: unknown = object;
  for (const element of elements) {
    parent = step(parent, element);
    if (parent === NONE) return;
  }
  if (last.startsWith("f:")) {
    if (isObj(parent)) delete parent[last.slice(2)];
    return;
  }
  if (!Array.isArray(parent)) return;
  const target = step(parent, last);
  if (target === NONE) return;
  const index = parent.indexOf(target);
  if (index >= 0) parent.splice(index, 1);
}
