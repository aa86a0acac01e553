import jsonpatch from "fast-json-patch";
import type { Manifest, SourceLocation } from "../manifests/types.js";
export { formatPath } from "../manifests/paths.js";
import { compareKeys, keyOf, keyString } from "./keys.js";
import type { DesiredStateDiff, FieldChange, ObjectDiff, PlanState } from "./types.js";

/**
 * The semantic difference between two desired states: objects added, changed and removed
 * (matched by kind, namespace and name, so moving a manifest to another file is no change),
 * with the fields that changed. Field paths come from fast-json-patch's RFC 6902 diff.
 */
export function diffDesiredStates(base: PlanState, head: PlanState): DesiredStateDiff {
  const index = (state: PlanState): Map<string, { manifest: Manifest; location?: SourceLocation }> =>
    new Map(state.objects.map((o) => [keyString(keyOf(o.manifest)), o]));
  const before = index(base);
  const after = index(head);
  const objects: ObjectDiff[] = [];
  let unchanged = 0;

  for (const [id, h] of after) {
    const b = before.get(id);
    const location = h.location === undefined ? {} : { location: h.location };
    if (b === undefined) {
      objects.push({ change: "added", key: keyOf(h.manifest), head: h.manifest, ...location, fields: [] });
      continue;
    }
    const fields = fieldChanges(b.manifest, h.manifest);
    if (fields.length === 0) unchanged++;
    else
      objects.push({
        change: "changed",
        key: keyOf(h.manifest),
        base: b.manifest,
        head: h.manifest,
        ...location,
        fields,
      });
  }
  for (const [id, b] of before) {
    if (after.has(id)) continue;
    const location = b.location === undefined ? {} : { location: b.location };
    objects.push({ change: "removed", key: keyOf(b.manifest), base: b.manifest, ...location, fields: [] });
  }
  objects.sort((x, y) => compareKeys(x.key, y.key));
  return { objects, unchanged };
}

/** Field-level changes between two versions of one object, in path order. */
export function fieldChanges(base: Manifest, head: Manifest): FieldChange[] {
  const ops = jsonpatch.compare(base, head);
  const changes = ops.flatMap((op): FieldChange[] => {
    const path = parsePointer(op.path, base, head);
    const before: unknown = op.op === "add" ? undefined : jsonpatch.getValueByPointer(base, op.path);
    if (op.op === "remove") return [{ path, before }];
    if (op.op === "add") return [{ path, after: op.value }];
    if (op.op === "replace") return [{ path, before, after: op.value }];
    return [];
  });
  return changes.sort((a, b) => comparePaths(a.path, b.path));
}

/** A JSON Pointer as path segments; indexes into arrays become numbers. */
function parsePointer(pointer: string, ...documents: unknown[]): (string | number)[] {
  const segments = pointer.split("/").slice(1).map(jsonpatch.unescapePathComponent);
  const path: (string | number)[] = [];
  let nodes = documents;
  for (const segment of segments) {
    const inArray = nodes.some((n) => Array.isArray(n));
    path.push(inArray && /^\d+$/.test(segment) ? Number(segment) : segment);
    nodes = nodes.map((n) =>
      typeof n === "object" && n !== null ? (n as Record<string, unknown>)[segment] : undefined,
    );
  }
  return path;
}

function comparePaths(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x).localeCompare(String(y));
  }
  return a.length - b.length;
}
