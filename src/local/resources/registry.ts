import type { GroupVersionResource } from "../api.js";
import { ApiError } from "../errors.js";
import { builtinResources } from "./builtin.js";
import { storageKey, type ResourceDef } from "./types.js";

/** A group with the versions it serves, preferred first. */
export interface ServedGroup {
  name: string;
  versions: string[];
}

/**
 * The resources one cluster serves: the built-in ones plus those its CustomResourceDefinitions
 * add. Discovery, routing and the store all resolve resources here.
 */
export class ResourceRegistry {
  private readonly byGvr = new Map<string, ResourceDef>();
  private readonly groupOrder: string[] = [];

  constructor(defs: readonly ResourceDef[] = builtinResources()) {
    for (const def of defs) this.add(def);
  }

  add(def: ResourceDef): void {
    this.byGvr.set(gvrKey(def.group, def.version, def.resource), def);
    if (!this.groupOrder.includes(def.group)) this.groupOrder.push(def.group);
  }

  /** Removes every version of a group/resource (a deleted CRD). */
  removeResource(group: string, resource: string): void {
    for (const [key, def] of this.byGvr)
      if (def.group === group && def.resource === resource) this.byGvr.delete(key);
    if (![...this.byGvr.values()].some((d) => d.group === group)) {
      const i = this.groupOrder.indexOf(group);
      if (i >= 0) this.groupOrder.splice(i, 1);
    }
  }

  find(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.byGvr.get(gvrKey(group, version, resource));
  }

  /** Resolves a GVR or throws NotFound, as the server answers for an unknown resource. */
  resolve(gvr: GroupVersionResource): ResourceDef {
    const def = this.find(gvr.group, gvr.version, gvr.resource);
    if (def === undefined) {
      throw new ApiError(
        404,
        "NotFound",
        `the server could not find the requested resource (${gvr.resource}${gvr.group === "" ? "" : `.${gvr.group}`})`,
      );
    }
    return def;
  }

  /** Any served version of a group/resource (the storage version for CRDs). */
  anyVersion(group: string, resource: string): ResourceDef | undefined {
    let found: ResourceDef | undefined;
    for (const def of this.byGvr.values()) {
      if (def.group !== group || def.resource !== resource) continue;
      if (def.crd === undefined || def.crd.storageVersion === def.version) return def;
      found ??= def;
    }
    return found;
  }

  byKind(group: string, version: string, kind: string): ResourceDef | undefined {
    for (const def of this.byGvr.values())
      if (def.group === group && def.version === version && def.kind === kind) return def;
    return undefined;
  }

  all(): ResourceDef[] {
    return [...this.byGvr.values()];
  }

  /** Distinct storage keys (group/resource) of every served resource. */
  storageKeys(): string[] {
    return [...new Set(this.all().map((d) => storageKey(d.group, d.resource)))];
  }

  /** Groups in registration order with their versions; the core group is "". */
  groups(): ServedGroup[] {
    return this.groupOrder.map((name) => {
      const versions: string[] = [];
      for (const def of this.byGvr.values())
        if (def.group === name && !versions.includes(def.version)) versions.push(def.version);
      versions.sort(compareVersions);
      return { name, versions };
    });
  }

  resourcesOf(group: string, version: string): ResourceDef[] {
    return this.all().filter((d) => d.group === group && d.version === version);
  }
}

const gvrKey = (group: string, version: string, resource: string): string =>
  `${group}/${version}/${resource}`;

/** Kubernetes version priority: GA before beta before alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (m === null) return [-1, 0, 0];
    const stage = m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = parse(a);
  const [sb, mb, nb] = parse(b);
  if (sa !== sb) return sb - sa;
  if (ma !== mb) return mb - ma;
  if (na !== nb) return nb - na;
  return a.localeCompare(b);
}
