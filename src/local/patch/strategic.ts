import { badRequest } from "../errors.js";
import type { SchemaCursor } from "../schema/cursor.js";
import { isObj, type Obj } from "../plain-object.js";

const DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";
const SET_ORDER = "$setElementOrder/";

/**
 * Applies a strategic-merge patch as the API server does for built-in kinds: maps merge,
 * lists with a patch merge key merge item by item, `$patch: delete|replace|merge`,
 * `$retainKeys`, `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`.
 */
export function strategicMerge(original: unknown, patch: unknown, schema: SchemaCursor): unknown {
  if (!isObj(patch)) return patch;
  const directive = patch["$patch"];
  if (directive === "replace") {
    const { $patch: _, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (directive === "delete") return undefined;
  const result: Obj = isObj(original) ? { ...original } : {};
  const orders: [string, unknown[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch" || key === "$retainKeys") continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        result[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (key.startsWith(SET_ORDER)) {
      if (Array.isArray(value)) orders.push([key.slice(SET_ORDER.length), value]);
      continue;
    }
    if (key.startsWith("$")) throw badRequest(`unknown patch directive: ${key}`);
    if (value === null) {
      delete result[key];
      continue;
    }
    const fieldSchema = schema.field(key);
    if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, fieldSchema);
    } else if (isObj(value)) {
      const merged = strategicMerge(result[key], value, fieldSchema);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  const retain = patch["$retainKeys"];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  for (const [field, order] of orders) reorder(result, field, order, schema.field(field));
  return result;
}

function mergeList(original: unknown, patch: unknown[], schema: SchemaCursor): unknown[] {
  const current: unknown[] = Array.isArray(original) ? (original as unknown[]) : [];
  if (patch.some((item) => isObj(item) && item["$patch"] === "replace")) {
    return patch.filter((item) => !(isObj(item) && item["$patch"] === "replace")).map(stripDirectives);
  }
  const keys = schema.listKeys();
  if (keys !== undefined) {
    const key = keys[0] ?? "name";
    const out = [...current];
    for (const item of patch) {
      if (!isObj(item)) continue;
      const index = out.findIndex((o) => isObj(o) && o[key] === item[key]);
      if (item["$patch"] === "delete") {
        if (index >= 0) out.splice(index, 1);
        continue;
      }
      if (index >= 0) out[index] = strategicMerge(out[index], item, schema.item());
      else out.push(stripDirectives(item));
    }
    return out;
  }
  if (schema.isSet()) {
    const out = [...current];
    for (const item of patch) if (!out.includes(item)) out.push(item);
    return out;
  }
  return patch.map(stripDirectives);
}

function reorder(target: Obj, field: string, order: unknown[], schema: SchemaCursor): void {
  const list = target[field];
  if (!Array.isArray(list)) return;
  const key = schema.listKeys()?.[0];
  const id = (v: unknown): unknown => (key !== undefined && isObj(v) ? v[key] : v);
  const wanted = order.map((o) => id(o));
  const rank = (v: unknown): number => {
    const i = wanted.indexOf(id(v));
    return i < 0 ? wanted.length : i;
  };
  target[field] = [...(list as unknown[])].sort((a, b) => rank(a) - rank(b));
}

/** Removes `$`-directives left in values being inserted. */
export function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith("$")) out[k] = stripDirectives(v);
  return out;
}
