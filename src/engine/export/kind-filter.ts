/**
 * `includeKinds` / `excludeKinds` matching. Like Velero's `--include-resources`, an entry may
 * name the kind (`Deployment`), the plural or a short name (`deployments`, `deploy`), or either
 * qualified by the group (`Deployment.apps`, `deployments.apps`); matching is case-insensitive
 * and `*` matches every type.
 */
import type { ResourceFilter } from "../../manifests/types.js";

/** What is known about an object's type; the plural and short names come from discovery. */
export interface KindInfo {
  readonly group: string;
  readonly kind: string;
  readonly plural?: string;
  readonly shortNames?: readonly string[];
}

/** Every name an include/exclude entry may use for this type, lower-cased. */
export function kindNames(info: KindInfo): ReadonlySet<string> {
  const bare = [info.kind, info.plural, ...(info.shortNames ?? [])]
    .filter((n): n is string => n !== undefined && n !== "")
    .map((n) => n.toLowerCase());
  // The singular resource name is the lower-cased kind, which `bare` already holds.
  const names = new Set<string>(bare);
  if (info.group !== "") for (const n of bare) names.add(`${n}.${info.group.toLowerCase()}`);
  return names;
}

/** True when `entry` (one item of includeKinds/excludeKinds) names this type. */
export function kindEntryMatches(entry: string, info: KindInfo): boolean {
  const wanted = entry.trim().toLowerCase();
  return wanted === "*" || kindNames(info).has(wanted);
}

/**
 * True when the filter lets this type through: not excluded, and included when `includeKinds`
 * is non-empty. Exclusion wins, as in Velero.
 */
export function kindAllowed(info: KindInfo, filter: ResourceFilter | undefined): boolean {
  const include = filter?.includeKinds ?? [];
  const exclude = filter?.excludeKinds ?? [];
  if (exclude.some((e) => kindEntryMatches(e, info))) return false;
  return include.length === 0 || include.some((e) => kindEntryMatches(e, info));
}
