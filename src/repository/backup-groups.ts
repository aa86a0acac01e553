import type { StoredResource } from "./backup-manifest.js";

/** Resources of one kind in one namespace, as they are stored in one content object. */
export interface ResourceGroup {
  readonly namespace?: string;
  readonly groupKind: string;
  readonly resources: readonly StoredResource[];
  /** The group's JSON: exactly the bytes hashed and stored. */
  readonly json: Uint8Array;
}

export interface GroupLimits {
  /** At most this many resources per group (default 500). */
  readonly maxCount?: number;
  /** Start a new group once this many JSON bytes are reached (default 4 MiB). */
  readonly maxBytes?: number;
}

/** `Kind.group`, or the bare kind for the core group. */
export function groupKindOf(resource: Pick<StoredResource, "apiVersion" | "kind">): string {
  const slash = resource.apiVersion.indexOf("/");
  return slash < 0 ? resource.kind : `${resource.kind}.${resource.apiVersion.slice(0, slash)}`;
}

/**
 * Splits resources into groups per namespace and kind, sorted by name. Deterministic: the
 * same resources always give the same groups and bytes, so an unchanged namespace hashes
 * to the objects a previous backup stored and nothing is uploaded again. Pure.
 */
export function groupResources(
  resources: readonly StoredResource[],
  limits: GroupLimits = {},
): ResourceGroup[] {
  const maxCount = limits.maxCount ?? 500;
  const maxBytes = limits.maxBytes ?? 4 * 1024 * 1024;
  const byKey = new Map<
    string,
    { namespace: string | undefined; groupKind: string; items: StoredResource[] }
  >();
  for (const resource of resources) {
    const namespace = resource.metadata.namespace;
    const groupKind = groupKindOf(resource);
    const key = `${namespace ?? ""}\u0000${groupKind}`;
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = { namespace, groupKind, items: [] };
      byKey.set(key, entry);
    }
    entry.items.push(resource);
  }
  const groups: ResourceGroup[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const entry = byKey.get(key);
    if (entry === undefined) continue;
    const sorted = [...entry.items].sort(
      (a, b) => compare(a.metadata.name, b.metadata.name) || compare(a.apiVersion, b.apiVersion),
    );
    let current: StoredResource[] = [];
    let currentJson: string[] = [];
    let size = 2;
    const flush = (): void => {
      if (current.length === 0) return;
      groups.push({
        ...(entry.namespace === undefined ? {} : { namespace: entry.namespace }),
        groupKind: entry.groupKind,
        resources: current,
        json: Buffer.from(`[${currentJson.join(",")}]`),
      });
      current = [];
      currentJson = [];
      size = 2;
    };
    for (const resource of sorted) {
      const json = JSON.stringify(resource);
      if (current.length >= maxCount || (current.length > 0 && size + json.length + 1 > maxBytes)) flush();
      current.push(resource);
      currentJson.push(json);
      size += json.length + 1;
    }
    flush();
  }
  return groups;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
