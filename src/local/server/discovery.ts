import type { ResourceRegistry } from "../resources/registry.js";
import { apiVersionOf, type ResourceDef } from "../resources/types.js";

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** `/api`: the core group's versions. */
export const coreVersions = (): unknown => ({
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }],
});

const groupEntry = (name: string, versions: string[]): unknown => ({
  name,
  versions: versions.map((v) => ({ groupVersion: apiVersionOf(name, v), version: v })),
  preferredVersion: { groupVersion: apiVersionOf(name, versions[0] ?? "v1"), version: versions[0] ?? "v1" },
});

/** `/apis`: every named group with its versions. */
export function groupList(registry: ResourceRegistry): unknown {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: registry
      .groups()
      .filter((g) => g.name !== "")
      .map((g) => groupEntry(g.name, g.versions)),
  };
}

/** `/apis/<group>`. */
export function groupOf(registry: ResourceRegistry, name: string): unknown {
  const g = registry.groups().find((x) => x.name === name);
  return g === undefined
    ? undefined
    : { kind: "APIGroup", apiVersion: "v1", ...(groupEntry(g.name, g.versions) as object) };
}

function entries(def: ResourceDef): unknown[] {
  const main = {
    name: def.resource,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: VERBS,
    ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
    ...(def.categories.length > 0 ? { categories: def.categories } : {}),
  };
  const subs: unknown[] = [];
  if (def.status)
    subs.push({
      name: `${def.resource}/status`,
      singularName: "",
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: ["get", "patch", "update"],
    });
  if (def.scale !== undefined) {
    subs.push({
      name: `${def.resource}/scale`,
      singularName: "",
      namespaced: def.namespaced,
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
      verbs: ["get", "patch", "update"],
    });
  }
  for (const extra of def.extraSubresources ?? [])
    subs.push({
      name: `${def.resource}/${extra}`,
      singularName: "",
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: ["get"],
    });
  return [main, ...subs];
}

/** `/api/v1` or `/apis/<group>/<version>`: the APIResourceList. */
export function resourceList(registry: ResourceRegistry, group: string, version: string): unknown {
  const defs = registry.resourcesOf(group, version);
  if (defs.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf(group, version),
    resources: defs.flatMap(entries),
  };
}
