/**
 * After a run, the objects Ferry wrote on each target (from the restore's events) are read
 * back and fingerprinted: the inventory a later reconcile compares the live objects with.
 * Later reconciles observe the live objects again, cluster by cluster.
 */
import pLimit from "p-limit";
import type { ClusterClient } from "../../cluster/port.js";
import { apiGroup, apiVersionOnly, type ObjectRef, type ResourceType } from "../../engine/kube-object.js";
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from "../../engine/ferry-metadata.js";
import type { MigrationEvent } from "../../engine/status/events.js";
import { inventoryItem, inventoryKey, liveFingerprint, type InventoryItem } from "../reconcile/drift.js";

const WRITTEN = new Set(["created", "updated", "unchanged"]);

/** The objects a run wrote (or found unchanged) per target. */
export function writtenObjects(events: readonly MigrationEvent[]): Map<string, ObjectRef[]> {
  const out = new Map<string, ObjectRef[]>();
  for (const event of events) {
    if (event.type !== "RestoreObjectResult" || !WRITTEN.has(event.outcome)) continue;
    const list = out.get(event.cluster) ?? [];
    list.push(event.object);
    out.set(event.cluster, list);
  }
  return out;
}

/** Reads the objects back and fingerprints them; objects already gone are left out. */
export async function readInventory(
  clusters: ReadonlyMap<string, ClusterClient>,
  written: ReadonlyMap<string, readonly ObjectRef[]>,
  concurrency = 16,
): Promise<Record<string, InventoryItem[]>> {
  const limit = pLimit(concurrency);
  const out: Record<string, InventoryItem[]> = {};
  for (const [cluster, refs] of [...written.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const client = clusters.get(cluster);
    if (client === undefined) continue;
    const items = await Promise.all(refs.map((ref) => limit(() => client.get(ref))));
    out[cluster] = items
      .filter((o) => o !== undefined)
      .map(inventoryItem)
      .sort((a, b) => (inventoryKey(a) < inventoryKey(b) ? -1 : 1));
  }
  return out;
}

/** Discovery per cluster client, kept for the controller's lifetime (types rarely change). */
export type DiscoveryCache = WeakMap<ClusterClient, Promise<ResourceType[]>>;

/**
 * The live fingerprints of the objects of many inventories (one per Migration report path).
 * One cluster-wide LIST per cluster and type (label `ferry.dev/managed-by=ferry`) instead of
 * a GET per object, so observing 1,000 objects costs a request per type on each cluster. A
 * cluster that cannot be reached is left out of every result (no drift can be judged
 * there); an object no longer listed is absent (deleted, or no longer labelled as Ferry's).
 */
export async function observeInventories(
  clusters: ReadonlyMap<string, ClusterClient>,
  inventories: ReadonlyMap<string, Readonly<Record<string, readonly InventoryItem[]>>>,
  options: { readonly discovery: DiscoveryCache; readonly concurrency?: number },
): Promise<Map<string, Map<string, ReadonlyMap<string, string>>>> {
  const wanted = new Map<string, Set<string>>();
  for (const inventory of inventories.values()) {
    for (const [cluster, items] of Object.entries(inventory)) {
      const types = wanted.get(cluster) ?? new Set<string>();
      for (const item of items) types.add(`${item.apiVersion}|${item.kind}`);
      wanted.set(cluster, types);
    }
  }
  const limit = pLimit(options.concurrency ?? 8);
  const seen = new Map<string, Map<string, string>>();
  await Promise.all(
    [...wanted].map(([cluster, types]) =>
      limit(async () => {
        const client = clusters.get(cluster);
        if (client === undefined) return;
        try {
          let discovered = options.discovery.get(client);
          if (discovered === undefined) {
            discovered = client.discover();
            options.discovery.set(client, discovered);
            discovered.catch(() => options.discovery.delete(client));
          }
          const served = await discovered;
          const fingerprints = new Map<string, string>();
          for (const key of types) {
            const [apiVersion = "", kind = ""] = key.split("|");
            const type = served.find(
              (t) =>
                t.kind === kind &&
                t.group === apiGroup(apiVersion) &&
                t.version === apiVersionOnly(apiVersion),
            );
            if (type === undefined) continue; // the type is gone: its objects are absent
            for (const obj of await client.list(type, {
              labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
            })) {
              fingerprints.set(
                inventoryKey({ kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace }),
                liveFingerprint(obj),
              );
            }
          }
          seen.set(cluster, fingerprints);
        } catch {
          // Unreachable: no observation, so no drift is reported for this cluster.
        }
      }),
    ),
  );
  const out = new Map<string, Map<string, ReadonlyMap<string, string>>>();
  for (const [path, inventory] of inventories) {
    const live = new Map<string, ReadonlyMap<string, string>>();
    for (const cluster of Object.keys(inventory)) {
      const fingerprints = seen.get(cluster);
      if (fingerprints !== undefined) live.set(cluster, fingerprints);
    }
    out.set(path, live);
  }
  return out;
}
