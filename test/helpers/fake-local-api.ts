import { randomUUID } from "node:crypto";
import type {
  GroupVersionResource,
  KubeObject,
  ListOptions,
  LocalApi,
  WatchEvent,
} from "../../src/local/api.js";

/** The error the fake throws: HTTP code and Kubernetes reason, as the real store's. */
export class FakeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const gvrKey = (gvr: GroupVersionResource): string => `${gvr.group}/${gvr.version}/${gvr.resource}`;
const objKey = (o: KubeObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
const clone = <T>(v: T): T => structuredClone(v);

/** Equality- and set-based label selectors ("a=b,c!=d,e in (x,y),f,!g"). */
function matchesLabels(selector: string | undefined, labels: Record<string, string> = {}): boolean {
  if (selector === undefined || selector.trim() === "") return true;
  const parts = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return parts.every((raw) => {
    const part = raw.trim();
    let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = (m[3] ?? "").split(",").map((s) => s.trim());
      const has = Object.hasOwn(labels, m[1] ?? "");
      const inSet = has && values.includes(labels[m[1] ?? ""] ?? "");
      return m[2] === "in" ? inSet : !inSet;
    }
    m = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) return m[2] === "!=" ? labels[m[1] ?? ""] !== m[3] : labels[m[1] ?? ""] === m[3];
    if (part.startsWith("!")) return !Object.hasOwn(labels, part.slice(1));
    return Object.hasOwn(labels, part);
  });
}

function matchesFields(selector: string | undefined, o: KubeObject): boolean {
  if (selector === undefined || selector.trim() === "") return true;
  return selector.split(",").every((part) => {
    const [field, value] = part.split("=");
    if (field === "metadata.name") return o.metadata.name === value;
    if (field === "metadata.namespace") return o.metadata.namespace === value;
    return true;
  });
}

const specOf = (o: KubeObject): string => {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
};

/**
 * A hand-written in-memory LocalApi for the controllers' unit tests: resourceVersions,
 * generations, generateName, conflicts, finalizers, synchronous watch events and
 * ownerReference cascade, as the real store does them, without HTTP.
 */
export class FakeLocalApi implements LocalApi {
  private readonly stores = new Map<string, Map<string, KubeObject>>();
  private readonly watchers = new Map<string, Set<(e: WatchEvent) => void>>();
  private rv = 0;
  /** Every write, in order, for assertions ("create pods/web-abc"). */
  readonly writes: string[] = [];

  private store(gvr: GroupVersionResource): Map<string, KubeObject> {
    const key = gvrKey(gvr);
    let store = this.stores.get(key);
    if (store === undefined) {
      store = new Map();
      this.stores.set(key, store);
    }
    return store;
  }

  private emit(gvr: GroupVersionResource, type: WatchEvent["type"], object: KubeObject): void {
    for (const handler of [...(this.watchers.get(gvrKey(gvr)) ?? [])])
      handler({ type, object: clone(object) });
  }

  get(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.store(gvr).get(`${namespace ?? ""}/${name}`);
    return found === undefined ? undefined : clone(found);
  }

  list(gvr: GroupVersionResource, options: ListOptions = {}): KubeObject[] {
    return [...this.store(gvr).values()]
      .filter((o) => options.namespace === undefined || o.metadata.namespace === options.namespace)
      .filter((o) => matchesLabels(options.labelSelector, o.metadata.labels))
      .filter((o) => matchesFields(options.fieldSelector, o))
      .map(clone);
  }

  create(gvr: GroupVersionResource, object: KubeObject): KubeObject {
    const o = clone(object);
    if (o.metadata.name === undefined && o.metadata.generateName !== undefined) {
      o.metadata.name = `${o.metadata.generateName}${randomUUID().replace(/-/g, "").slice(0, 5)}`;
    }
    if (o.metadata.name === undefined)
      throw new FakeApiError(422, "Invalid", "name or generateName is required");
    const store = this.store(gvr);
    if (store.has(objKey(o))) {
      throw new FakeApiError(409, "AlreadyExists", `${gvr.resource} "${o.metadata.name}" already exists`);
    }
    o.metadata.uid = randomUUID();
    o.metadata.resourceVersion = String(++this.rv);
    o.metadata.generation = 1;
    o.metadata.creationTimestamp = new Date().toISOString().slice(0, 19) + "Z";
    store.set(objKey(o), o);
    this.writes.push(`create ${gvr.resource}/${o.metadata.name}`);
    this.emit(gvr, "ADDED", o);
    return clone(o);
  }

  private current(gvr: GroupVersionResource, object: KubeObject): KubeObject {
    const existing = this.store(gvr).get(objKey(object));
    if (existing === undefined) {
      throw new FakeApiError(404, "NotFound", `${gvr.resource} "${object.metadata.name ?? ""}" not found`);
    }
    const rv = object.metadata.resourceVersion;
    if (rv !== undefined && rv !== existing.metadata.resourceVersion) {
      throw new FakeApiError(
        409,
        "Conflict",
        `the object has been modified; please apply your changes to the latest version`,
      );
    }
    return existing;
  }

  update(gvr: GroupVersionResource, object: KubeObject): KubeObject {
    const existing = this.current(gvr, object);
    const o = clone(object);
    if (existing["status"] !== undefined) o["status"] = clone(existing["status"]);
    else delete o["status"];
    o.metadata = {
      ...o.metadata,
      uid: existing.metadata.uid ?? "",
      creationTimestamp: existing.metadata.creationTimestamp ?? "",
      generation: (existing.metadata.generation ?? 1) + (specOf(o) === specOf(existing) ? 0 : 1),
      resourceVersion: String(++this.rv),
    };
    if (existing.metadata.deletionTimestamp !== undefined) {
      o.metadata.deletionTimestamp = existing.metadata.deletionTimestamp;
    }
    this.writes.push(`update ${gvr.resource}/${o.metadata.name ?? ""}`);
    if (o.metadata.deletionTimestamp !== undefined && (o.metadata.finalizers ?? []).length === 0) {
      this.remove(gvr, o, "Background");
      return clone(o);
    }
    this.store(gvr).set(objKey(o), o);
    this.emit(gvr, "MODIFIED", o);
    return clone(o);
  }

  updateStatus(gvr: GroupVersionResource, object: KubeObject): KubeObject {
    const existing = this.current(gvr, object);
    const o = clone(existing);
    o["status"] = clone(object["status"]);
    o.metadata.resourceVersion = String(++this.rv);
    this.store(gvr).set(objKey(o), o);
    this.writes.push(`status ${gvr.resource}/${o.metadata.name ?? ""}`);
    this.emit(gvr, "MODIFIED", o);
    return clone(o);
  }

  delete(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    options: { propagationPolicy?: "Foreground" | "Background" | "Orphan" } = {},
  ): void {
    const existing = this.store(gvr).get(`${namespace ?? ""}/${name}`);
    if (existing === undefined)
      throw new FakeApiError(404, "NotFound", `${gvr.resource} "${name}" not found`);
    this.writes.push(`delete ${gvr.resource}/${name}`);
    if ((existing.metadata.finalizers ?? []).length > 0) {
      if (existing.metadata.deletionTimestamp === undefined) {
        existing.metadata.deletionTimestamp = new Date().toISOString().slice(0, 19) + "Z";
        existing.metadata.resourceVersion = String(++this.rv);
        this.emit(gvr, "MODIFIED", existing);
      }
      return;
    }
    this.remove(gvr, existing, options.propagationPolicy ?? "Background");
  }

  /** Removes the object and cascades to its dependents (any resource), like the garbage collector. */
  private remove(gvr: GroupVersionResource, o: KubeObject, policy: string): void {
    this.store(gvr).delete(objKey(o));
    this.emit(gvr, "DELETED", o);
    for (const [key, store] of this.stores) {
      const [group = "", version = "", resource = ""] = key.split("/");
      const depGvr = { group, version, resource };
      for (const dep of [...store.values()]) {
        const refs = dep.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === o.metadata.uid)) continue;
        if (policy === "Orphan") {
          const updated = clone(dep);
          updated.metadata.ownerReferences = refs.filter((r) => r.uid !== o.metadata.uid);
          delete updated.metadata.resourceVersion;
          this.update(depGvr, updated);
        } else if (store.has(objKey(dep))) {
          this.delete(depGvr, dep.metadata.namespace, dep.metadata.name ?? "");
        }
      }
    }
  }

  watch(gvr: GroupVersionResource, handler: (event: WatchEvent) => void): () => void {
    const key = gvrKey(gvr);
    let set = this.watchers.get(key);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }
}
