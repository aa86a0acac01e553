import { manifestKey } from "../state.js";
import type { LoadedObject, Problem } from "../types.js";
import { describe, problemAt, where } from "./problem.js";

/**
 * Objects of the same kind, namespace and name, wherever they are: every occurrence gets a
 * problem naming the others. The first occurrence is kept so lookups stay deterministic.
 */
export function findDuplicates(objects: readonly LoadedObject[]): {
  readonly unique: readonly LoadedObject[];
  readonly problems: readonly Problem[];
} {
  const groups = new Map<string, LoadedObject[]>();
  for (const object of objects) {
    const key = manifestKey(object.manifest);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [object]);
    else group.push(object);
  }
  const unique: LoadedObject[] = [];
  const problems: Problem[] = [];
  for (const group of groups.values()) {
    const [first] = group;
    if (first !== undefined) unique.push(first);
    if (group.length < 2) continue;
    for (const object of group) {
      const others = group.filter((o) => o !== object).map((o) => where(o.location));
      problems.push(
        problemAt(
          object,
          ["metadata", "name"],
          "duplicate-name",
          `${describe(object)} is also defined at ${others.join(", ")}`,
        ),
      );
    }
  }
  return { unique, problems };
}
