import { ApiError } from "../errors.js";
import type { SchemaCursor } from "../schema/cursor.js";
import { fieldsOf, fromFieldsV1, removeAt, SEP, toFieldsV1, valueAt } from "./fieldset.js";
import { stripDirectives } from "./strategic.js";
import { isObj, type Obj } from "../plain-object.js";

/** One entry of `metadata.managedFields`. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Obj;
  subresource?: string;
}

interface Owner {
  entry: ManagedFieldsEntry;
  fields: Set<string>;
}

const readOwners = (object: Obj): Owner[] => {
  const meta = isObj(object["metadata"]) ? object["metadata"] : {};
  const list = Array.isArray(meta["managedFields"]) ? (meta["managedFields"] as ManagedFieldsEntry[]) : [];
  return list.map((entry) => ({ entry, fields: fromFieldsV1(entry.fieldsV1) }));
};

const writeOwners = (owners: Owner[]): ManagedFieldsEntry[] =>
  owners
    .filter((o) => o.fields.size > 0)
    .map((o) => ({ ...o.entry, fieldsV1: toFieldsV1([...o.fields].sort()) }));

/** How a write is attributed in managedFields. */
export interface ManagerInfo {
  manager: string;
  apiVersion: string;
  time: string;
  subresource?: string;
}

/** A manager that owns no fields yet, for its first Apply or Update. */
const newOwner = (info: ManagerInfo, operation: "Apply" | "Update"): Owner => ({
  entry: {
    manager: info.manager,
    operation,
    apiVersion: info.apiVersion,
    time: info.time,
    fieldsType: "FieldsV1",
    fieldsV1: {},
    ...(info.subresource === undefined ? {} : { subresource: info.subresource }),
  },
  fields: new Set(),
});

/** Merges an applied configuration into an object: maps merge, keyed lists merge by key, sets union. */
function mergeApplied(current: unknown, applied: unknown, schema: SchemaCursor): unknown {
  if (isObj(applied)) {
    const out: Obj = isObj(current) ? { ...current } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) continue;
      out[k] = mergeApplied(out[k], v, schema.field(k));
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const keys = schema.listKeys();
    const existing: unknown[] = Array.isArray(current) ? (current as unknown[]) : [];
    if (keys !== undefined && applied.every(isObj)) {
      const out = [...existing];
      for (const item of applied) {
        const i = out.findIndex(
          (o) => isObj(o) && keys.every((k) => JSON.stringify(o[k]) === JSON.stringify(item[k])),
        );
        if (i >= 0) out[i] = mergeApplied(out[i], item, schema.item());
        else out.push(item);
      }
      return out;
    }
    if (schema.isSet()) {
      const out = [...existing];
      for (const item of applied)
        if (!out.some((o) => JSON.stringify(o) === JSON.stringify(item))) out.push(item);
      return out;
    }
    return applied;
  }
  return applied;
}

const printPath = (path: string): string =>
  path
    .split(SEP)
    .filter((e) => e !== ".")
    .map((e) =>
      e.startsWith("f:")
        ? `.${e.slice(2)}`
        : e.startsWith("k:")
          ? `[${e
              .slice(2)
              .replace(/^\{|\}$/g, "")
              .replace(/"(\w+)":/g, "$1=")}]`
          : `[${e.slice(2)}]`,
    )
    .join("");

/**
 * Server-side apply: merges `applied` into `current` (undefined on create) for `manager`,
 * removes the fields the manager applied before and no longer does (unless someone else owns
 * them), and records ownership in managedFields. Conflicts with other managers are a 409
 * unless `force`, as the real server answers.
 */
export function serverSideApply(options: {
  current: Obj | undefined;
  applied: Obj;
  schema: SchemaCursor;
  info: ManagerInfo;
  force: boolean;
  scope: "main" | "status";
}): Obj {
  const { current, schema, info, force, scope } = options;
  const applied = stripDirectives(options.applied) as Obj;
  const owners = current === undefined ? [] : readOwners(current);
  const appliedFields = fieldsOf(applied, schema, scope);
  const isMe = (o: Owner): boolean =>
    o.entry.manager === info.manager &&
    o.entry.operation === "Apply" &&
    (o.entry.subresource ?? "") === (info.subresource ?? "");
  const conflicts: { path: string; owner: Owner }[] = [];
  for (const owner of owners) {
    if (isMe(owner)) continue;
    for (const path of appliedFields) {
      if (!owner.fields.has(path) || path.endsWith(`${SEP}.`)) continue;
      if (JSON.stringify(valueAt(current, path)) !== JSON.stringify(valueAt(applied, path)))
        conflicts.push({ path, owner });
    }
  }
  if (conflicts.length > 0 && !force) {
    const describe = (c: { path: string; owner: Owner }): string =>
      `conflict with "${c.owner.entry.manager}"${c.owner.entry.operation === "Update" ? ` using ${c.owner.entry.apiVersion}` : ""}: ${printPath(c.path)}`;
    const message =
      conflicts.length === 1
        ? `Apply failed with 1 conflict: ${describe(conflicts[0] as { path: string; owner: Owner })}`
        : `Apply failed with ${conflicts.length} conflicts: ${conflicts.map(describe).join("\n")}`;
    throw new ApiError(409, "Conflict", message, {
      causes: conflicts.map((c) => ({
        reason: "FieldManagerConflict",
        message: `conflict with "${c.owner.entry.manager}"`,
        field: printPath(c.path),
      })),
    });
  }
  for (const c of conflicts) c.owner.fields.delete(c.path);

  const merged = mergeApplied(
    current ?? {},
    scope === "status" ? { status: applied["status"] } : withoutStatus(applied),
    schema,
  ) as Obj;
  const previous = owners.find(isMe);
  if (previous !== undefined) {
    const others = owners.filter((o) => o !== previous);
    const dropped = [...previous.fields].filter(
      (p) => !appliedFields.has(p) && !others.some((o) => o.fields.has(p)),
    );
    // Deepest first, so removing an item does not hide the removal of its own fields.
    dropped.sort((a, b) => b.split(SEP).length - a.split(SEP).length);
    for (const path of dropped) removeAt(merged, path);
  }
  const mine: Owner = previous ?? newOwner(info, "Apply");
  mine.fields = appliedFields;
  mine.entry = { ...mine.entry, apiVersion: info.apiVersion, time: info.time };
  const next = previous === undefined ? [...owners, mine] : owners;
  const meta = isObj(merged["metadata"]) ? { ...merged["metadata"] } : {};
  meta["managedFields"] = writeOwners(next);
  merged["metadata"] = meta;
  return merged;
}

const withoutStatus = (o: Obj): Obj => {
  const { status: _, ...rest } = o;
  return rest;
};

/**
 * Records an Update-operation write (create, PUT, non-apply PATCH): the manager takes
 * ownership of what it changed, others lose it. `next` is modified in place.
 */
export function recordUpdate(options: {
  previous: Obj | undefined;
  next: Obj;
  schema: SchemaCursor;
  info: ManagerInfo;
  scope: "main" | "status";
}): void {
  const { previous, next, schema, info, scope } = options;
  const owners = previous === undefined ? [] : readOwners(previous);
  const after = fieldsOf(next, schema, scope);
  const before = previous === undefined ? new Set<string>() : fieldsOf(previous, schema, scope);
  const changed = new Set<string>();
  for (const path of after) {
    if (!before.has(path) || JSON.stringify(valueAt(previous, path)) !== JSON.stringify(valueAt(next, path)))
      changed.add(path);
  }
  const removed = [...before].filter((p) => !after.has(p));
  if (changed.size === 0 && removed.length === 0) {
    setManaged(next, writeOwners(owners));
    return;
  }
  for (const owner of owners) {
    for (const p of removed) owner.fields.delete(p);
    if (owner.entry.manager === info.manager && owner.entry.operation === "Update") continue;
    for (const p of changed) owner.fields.delete(p);
  }
  let mine = owners.find(
    (o) =>
      o.entry.manager === info.manager &&
      o.entry.operation === "Update" &&
      (o.entry.subresource ?? "") === (info.subresource ?? ""),
  );
  if (mine === undefined) {
    mine = newOwner(info, "Update");
    owners.push(mine);
  }
  for (const p of changed) mine.fields.add(p);
  mine.entry = { ...mine.entry, time: info.time, apiVersion: info.apiVersion };
  setManaged(next, writeOwners(owners));
}

function setManaged(object: Obj, entries: ManagedFieldsEntry[]): void {
  const meta = isObj(object["metadata"]) ? object["metadata"] : {};
  if (entries.length === 0) delete meta["managedFields"];
  else meta["managedFields"] = entries;
  object["metadata"] = meta;
}
