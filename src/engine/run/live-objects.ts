/**
 * The target's current objects of the types and namespaces a set of desired objects uses:
 * one list per (type, namespace) instead of one GET per object, which is what makes a
 * restore of thousands of objects cost about one request per object written.
 */
import pLimit from "p-limit";
import type { ClusterClient } from "../../cluster/port.js";
import { objectKey, refOf, type KubeObject } from "../kube-object.js";
import type { TypeIndex } from "./type-index.js";

export interface LiveObjects {
  /** The live object of the same name, undefined when absent. */
  get(obj: KubeObject): KubeObject | undefined;
  /** Desired objects whose type the target does not serve (looked up one by one later). */
  readonly unlisted: ReadonlySet<string>;
}

/** Lists what `desired` would touch on `client`; types it does not serve are left unlisted. */
export async function listLiveObjects(
  client: ClusterClient,
  types: TypeIndex,
  desired: readonly KubeObject[],
  concurrency = 8,
): Promise<LiveObjects> {
  const groups = new Map<string, { apiVersion: string; kind: string; namespace?: string }>();
  const unlisted = new Set<string>();
  for (const obj of desired) {
    const type = types.byVersionKind(obj.apiVersion, obj.kind);
    if (type === undefined) {
      unlisted.add(objectKey(refOf(obj)));
      continue;
    }
    const namespace = type.namespaced ? obj.metadata.namespace : undefined;
    const key = `${obj.apiVersion}/${obj.kind}/${namespace ?? ""}`;
    if (!groups.has(key))
      groups.set(key, {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        ...(namespace === undefined ? {} : { namespace }),
      });
  }
  const limit = pLimit(concurrency);
  const live = new Map<string, KubeObject>();
  await Promise.all(
    [...groups.values()].map((g) =>
      limit(async () => {
        const type = types.byVersionKind(g.apiVersion, g.kind);
        if (type === undefined) return;
        const items = await client.list(type, g.namespace === undefined ? {} : { namespace: g.namespace });
        for (const item of items) live.set(objectKey(refOf(item)), item);
      }),
    ),
  );
  return { get: (obj) => live.get(objectKey(refOf(obj))), unlisted };
}
