/**
 * After a run, the objects Ferry wrote on each target (from the restore's events) are read
 * back and fingerprinted: the inventory a later reconcile compares the live objects with.
 */
import pLimit from "p-limit";
import type { ClusterClient } from "../../cluster/port.js";
import type { ObjectRef } from "../../engine/kube-object.js";
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

/**
 * The live fingerprints of an inventory's objects, per cluster. A cluster that cannot be
 * reached is left out (no drift can be judged there); a missing object is absent.
 */
export async function observeInventory(
  clusters: ReadonlyMap<string, ClusterClient>,
  inventory: Readonly<Record<string, readonly InventoryItem[]>>,
  concurrency = 16,
): Promise<Map<string, Map<string, string>>> {
  const limit = pLimit(concurrency);
  const out = new Map<string, Map<string, string>>();
  await Promise.all(
    Object.entries(inventory).map(async ([cluster, items]) => {
      const client = clusters.get(cluster);
      if (client === undefined) return;
      try {
        const seen = new Map<string, string>();
        await Promise.all(
          items.map((item) =>
            limit(async () => {
              const ref: ObjectRef = {
                apiVersion: item.apiVersion,
                kind: item.kind,
                name: item.name,
                ...(item.namespace === undefined ? {} : { namespace: item.namespace }),
              };
              const live = await client.get(ref);
              if (live !== undefined) seen.set(inventoryKey(item), liveFingerprint(live));
            }),
          ),
        );
        out.set(cluster, seen);
      } catch {
        // Unreachable: no observation, so no drift is reported for this cluster.
      }
    }),
  );
  return out;
}
