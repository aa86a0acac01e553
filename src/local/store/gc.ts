import type { KubeObject } from "../api.js";
import { asObj, type Obj } from "../plain-object.js";
import { storageKey, type ResourceDef } from "../resources/types.js";
import type { ClusterStore } from "./cluster-store.js";
import { text } from "../text.js";

const FOREGROUND = "foregroundDeletion";
const ORPHAN = "orphan";
const CRD_CLEANUP = "customresourcecleanup.apiextensions.k8s.io";

/**
 * What kube-controller-manager and the apiextensions server do around deletion, run inside the
 * store: garbage collection through ownerReferences (Background, Foreground, Orphan),
 * namespace termination, CRD clean-up and the `default` service account of new namespaces. Follow-up work runs on a deduplicated queue after the write
 * that caused it, as the real controllers run after the API call returns.
 */
export class GarbageCollector {
  private readonly tasks = new Map<string, () => void>();
  private scheduled = false;
  private stopped = false;

  constructor(private readonly store: ClusterStore) {}

  stop(): void {
    this.stopped = true;
    this.tasks.clear();
  }

  private enqueue(key: string, task: () => void): void {
    if (this.stopped) return;
    this.tasks.set(key, task);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    // Bounded rounds per tick: a cascade of thousands of objects must not starve the server.
    for (let round = 0; round < 200 && this.tasks.size > 0; round++) {
      const [key, task] = this.tasks.entries().next().value as [string, () => void];
      this.tasks.delete(key);
      try {
        task();
      } catch {
        // The object changed or went away underneath; the change that did it re-queues work.
      }
    }
    if (this.tasks.size > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.run());
    }
  }

  private defOf(key: string): ResourceDef | undefined {
    const slash = key.indexOf("/");
    return this.store.registry.anyVersion(key.slice(0, slash), key.slice(slash + 1));
  }

  /** A new namespace gets its `default` service account, as the token controller does. */
  namespaceCreated(namespace: KubeObject): void {
    const def = this.store.registry.find("", "v1", "serviceaccounts");
    const name = namespace.metadata.name ?? "";
    if (def === undefined || this.store.peek(def, name, "default") !== undefined) return;
    this.store.create(def, name, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "default", namespace: name },
    });
  }

  /** An object with a deletionTimestamp: do what its finalizers ask for. */
  enqueueDeleting(def: ResourceDef, object: KubeObject): void {
    const key = `deleting\u0000${storageKey(def.group, def.resource)}\u0000${object.metadata.namespace ?? ""}\u0000${object.metadata.name ?? ""}`;
    this.enqueue(key, () => this.processDeleting(def, object.metadata.namespace, object.metadata.name ?? ""));
  }

  private processDeleting(def: ResourceDef, namespace: string | undefined, name: string): void {
    const object = this.store.peek(def, namespace, name);
    if (object === undefined || object.metadata.deletionTimestamp === undefined) return;
    if (def.group === "" && def.resource === "namespaces") {
      this.terminateNamespace(object);
      return;
    }
    const finalizers = object.metadata.finalizers ?? [];
    if (
      def.group === "apiextensions.k8s.io" &&
      def.resource === "customresourcedefinitions" &&
      finalizers.includes(CRD_CLEANUP)
    ) {
      this.cleanUpCrd(def, object);
    }
    if (finalizers.includes(FOREGROUND)) this.foreground(def, object);
    if (finalizers.includes(ORPHAN)) this.orphan(def, object);
  }

  private dependentsOf(uid: string): { def: ResourceDef; object: KubeObject }[] {
    const out: { def: ResourceDef; object: KubeObject }[] = [];
    for (const ref of this.store.dependents.get(uid) ?? []) {
      const [key = "", objectKey = ""] = ref.split("\u0000");
      const def = this.defOf(key);
      const object = this.store.bucket(key).get(objectKey);
      if (def !== undefined && object !== undefined) out.push({ def, object });
    }
    return out;
  }

  private removeFinalizer(def: ResourceDef, object: KubeObject, finalizer: string): void {
    const current = this.store.peek(def, object.metadata.namespace, object.metadata.name ?? "");
    if (current === undefined) return;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    const metadata = { ...current.metadata, finalizers };
    if (finalizers.length === 0) delete (metadata as Obj)["finalizers"];
    this.store.update(
      def,
      current.metadata.namespace,
      current.metadata.name ?? "",
      { ...current, metadata },
      { managedFieldsSet: true },
    );
  }

  private foreground(def: ResourceDef, owner: KubeObject): void {
    const dependents = this.dependentsOf(owner.metadata.uid ?? "");
    for (const { def: d, object } of dependents) {
      if (object.metadata.deletionTimestamp === undefined) {
        this.store.delete(d, object.metadata.namespace, object.metadata.name ?? "", {
          propagationPolicy: "Background",
        });
      }
    }
    const blocking = this.dependentsOf(owner.metadata.uid ?? "").filter(({ object }) =>
      (object.metadata.ownerReferences ?? []).some(
        (r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion === true,
      ),
    );
    if (blocking.length === 0) this.removeFinalizer(def, owner, FOREGROUND);
  }

  private orphan(def: ResourceDef, owner: KubeObject): void {
    for (const { def: d, object } of this.dependentsOf(owner.metadata.uid ?? "")) {
      const ownerReferences = (object.metadata.ownerReferences ?? []).filter(
        (r) => r.uid !== owner.metadata.uid,
      );
      const metadata = { ...object.metadata, ownerReferences };
      if (ownerReferences.length === 0) delete (metadata as Obj)["ownerReferences"];
      this.store.update(
        d,
        object.metadata.namespace,
        object.metadata.name ?? "",
        { ...object, metadata },
        { managedFieldsSet: true },
      );
    }
    this.removeFinalizer(def, owner, ORPHAN);
  }

  private cleanUpCrd(def: ResourceDef, crd: KubeObject): void {
    const spec = asObj(crd["spec"]);
    const group = text(spec["group"]);
    const plural = text(asObj(spec["names"])["plural"]);
    const crDef = this.store.registry.anyVersion(group, plural);
    const remaining = crDef === undefined ? [] : this.store.list(crDef);
    for (const cr of remaining) {
      if (crDef !== undefined && cr.metadata.deletionTimestamp === undefined) {
        this.store.delete(crDef, cr.metadata.namespace, cr.metadata.name ?? "");
      }
    }
    if (crDef === undefined || this.store.list(crDef).length === 0)
      this.removeFinalizer(def, crd, CRD_CLEANUP);
  }

  private terminateNamespace(namespace: KubeObject): void {
    const name = namespace.metadata.name ?? "";
    for (const { def, object } of this.store.namespaceContents(name)) {
      if (object.metadata.deletionTimestamp === undefined) {
        this.store.delete(def, name, object.metadata.name ?? "", { propagationPolicy: "Background" });
      }
    }
    this.checkNamespaceEmpty(name);
  }

  private checkNamespaceEmpty(name: string): void {
    const def = this.store.registry.find("", "v1", "namespaces");
    if (def === undefined) return;
    const ns = this.store.peek(def, undefined, name);
    if (ns?.metadata.deletionTimestamp === undefined) return;
    if (this.store.namespaceObjectCount(name) > 0 || (ns.metadata.finalizers ?? []).length > 0) return;
    this.store.finalizeRemoval(def, ns);
  }

  /** After an object is gone: collect its dependents, and let whatever waited for it proceed. */
  removed(def: ResourceDef, object: KubeObject): void {
    const uid = object.metadata.uid ?? "";
    if ((this.store.dependents.get(uid)?.size ?? 0) > 0) {
      this.enqueue(`collect\u0000${uid}`, () => {
        for (const { def: d, object: dependent } of this.dependentsOf(uid)) {
          const others = (dependent.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (others.length > 0 && others.some((r) => this.ownerExists(dependent, r.uid))) {
            this.store.update(
              d,
              dependent.metadata.namespace,
              dependent.metadata.name ?? "",
              { ...dependent, metadata: { ...dependent.metadata, ownerReferences: others } },
              { managedFieldsSet: true },
            );
          } else if (dependent.metadata.deletionTimestamp === undefined) {
            this.store.delete(d, dependent.metadata.namespace, dependent.metadata.name ?? "", {
              propagationPolicy: "Background",
            });
          }
        }
      });
    }
    for (const ref of object.metadata.ownerReferences ?? []) {
      this.enqueue(`owner\u0000${ref.uid}`, () => {
        const owner = this.findByUid(object, ref.uid, ref.kind);
        if (owner !== undefined && owner.object.metadata.deletionTimestamp !== undefined)
          this.enqueueDeleting(owner.def, owner.object);
      });
    }
    const ns = object.metadata.namespace;
    if (ns !== undefined && def.namespaced) this.enqueue(`ns\u0000${ns}`, () => this.checkNamespaceEmpty(ns));
    if (def.crd !== undefined) {
      const crdDef = this.store.registry.find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
      const crd = crdDef === undefined ? undefined : this.store.peek(crdDef, undefined, def.crd.name);
      if (crdDef !== undefined && crd?.metadata.deletionTimestamp !== undefined)
        this.enqueueDeleting(crdDef, crd);
    }
  }

  private findByUid(
    dependent: KubeObject,
    uid: string,
    kind: string,
  ): { def: ResourceDef; object: KubeObject } | undefined {
    for (const def of this.store.registry.all()) {
      if (def.kind !== kind) continue;
      for (const object of this.store.list(
        def,
        def.namespaced ? { namespace: dependent.metadata.namespace ?? "" } : {},
      )) {
        if (object.metadata.uid === uid) return { def, object };
      }
    }
    return undefined;
  }

  private ownerExists(dependent: KubeObject, uid: string): boolean {
    const ref = dependent.metadata.ownerReferences?.find((r) => r.uid === uid);
    return ref !== undefined && this.findByUid(dependent, uid, ref.kind) !== undefined;
  }
}
