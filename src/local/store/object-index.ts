import type { KubeObject } from "../api.js";

/**
 * Indexes kept beside the buckets so the garbage collector and namespace deletion need no
 * scans: the dependents of each owner uid and the object count of each namespace.
 */
export class ObjectIndex {
  /** owner uid → dependents as `storageKey\0objectKey`. */
  readonly dependents = new Map<string, Set<string>>();
  private readonly nsCounts = new Map<string, number>();

  /** Moves the object at `key`/`objectKey` from `previous` (if any) to `next` (absent: removed). */
  update(
    key: string,
    objectKey: string,
    next: KubeObject | undefined,
    previous: KubeObject | undefined,
  ): void {
    const ref = `${key}\u0000${objectKey}`;
    for (const o of previous?.metadata.ownerReferences ?? []) this.dependents.get(o.uid)?.delete(ref);
    for (const o of next?.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(o.uid);
      if (set === undefined) this.dependents.set(o.uid, (set = new Set()));
      set.add(ref);
    }
    const ns = (next ?? previous)?.metadata.namespace;
    if (ns !== undefined && objectKey.includes("/")) {
      const delta = (next === undefined ? 0 : 1) - (previous === undefined ? 0 : 1);
      if (delta !== 0) this.nsCounts.set(ns, (this.nsCounts.get(ns) ?? 0) + delta);
    }
  }

  /** Objects stored in `namespace`, across every namespaced resource. */
  namespaceCount(namespace: string): number {
    return this.nsCounts.get(namespace) ?? 0;
  }
}
