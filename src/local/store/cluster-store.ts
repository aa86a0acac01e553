import type { Clock } from "../../core/clock.js";
import { systemClock } from "../../core/clock.js";
import type { KubeObject, WatchEventType } from "../api.js";
import { notFound } from "../errors.js";
import { ResourceRegistry } from "../resources/registry.js";
import { apiVersionOf, storageKey, type ResourceDef } from "../resources/types.js";
import type { SchemaCursor } from "../schema/cursor.js";
import { afterCommit } from "./after-commit.js";
import { createObject } from "./create.js";
import { crdResources, CrValidator } from "./crd.js";
import { defaultsContext, type DefaultsContext } from "./defaults-context.js";
import { deleteObject } from "./delete.js";
import { GarbageCollector } from "./gc.js";
import { listObjects } from "./list-objects.js";
import { ObjectIndex } from "./object-index.js";
import { patchObject } from "./patch.js";
import { StateLog } from "./persistence.js";
import { SchemaSource, type KindSchema } from "./schema-source.js";
import type {
  DeleteOptions,
  ListFilter,
  PatchType,
  StoreEvent,
  StoreOptions,
  WriteOptions,
} from "./store-types.js";
import { updateObject } from "./update.js";
import { WatchHub } from "./watch-hub.js";
import { validateWrite } from "./write-validation.js";

const CRD_KEY = storageKey("apiextensions.k8s.io", "customresourcedefinitions");

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export const kubeTime = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/**
 * One cluster's object store: every object of every resource and the cluster-wide
 * resourceVersion. Writes (create, update, patch, delete in their own files) all end in
 * `commit`, which stores, indexes, logs, records for watches and sets off follow-ups. Objects
 * are never mutated once stored, so history and watchers share them safely.
 */
export class ClusterStore {
  readonly registry = new ResourceRegistry();
  readonly clusterName: string;
  readonly clock: Clock;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private rv = 0;
  private readonly watch: WatchHub;
  private readonly log: StateLog | undefined;
  private readonly crValidator = new CrValidator();
  private readonly schemas: SchemaSource;
  private readonly indexes = new ObjectIndex();
  /** owner uid → dependents as `storageKey\0objectKey`. */
  readonly dependents = this.indexes.dependents;
  readonly gc: GarbageCollector;
  /** Serialised stored objects: they never change, so each is stringified once (log, responses, lists). */
  private readonly jsonCache = new WeakMap<KubeObject, string>();

  constructor(options: StoreOptions) {
    this.clusterName = options.clusterName;
    this.clock = options.clock ?? systemClock;
    this.schemas = new SchemaSource(options.catalog, (name) => this.buckets.get(CRD_KEY)?.get(name));
    this.gc = new GarbageCollector(this);
    if (options.stateDir !== undefined) {
      const { log, state } = StateLog.open(options.stateDir);
      this.log = log;
      this.rv = state.resourceVersion;
      for (const [key, bucket] of state.buckets) {
        if (key === "") continue;
        for (const [objectKey, object] of bucket) this.indexes.update(key, objectKey, object, undefined);
        this.buckets.set(key, bucket);
      }
      for (const crd of this.buckets.get(CRD_KEY)?.values() ?? []) {
        for (const def of crdResources(crd)) this.registry.add(def);
      }
    }
    // Watches can resume from anything written from now on, not from before a restart.
    this.watch = new WatchHub(this.rv);
  }

  /** The newest resourceVersion. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Flushes and closes persistence; the store must not be written afterwards. */
  close(): void {
    this.gc.stop();
    this.log?.close();
    this.watch.close();
  }

  /** Total objects stored (for `ferry local status`). */
  count(): number {
    let n = 0;
    for (const bucket of this.buckets.values()) n += bucket.size;
    return n;
  }

  // ---- reads ---------------------------------------------------------------------------

  bucket(key: string): Map<string, KubeObject> {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new Map<string, KubeObject>();
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  static objectKey(namespace: string | undefined, name: string): string {
    return namespace === undefined || namespace === "" ? name : `${namespace}/${name}`;
  }

  /** The stored object (shared, never mutate), or undefined. */
  peek(def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets
      .get(storageKey(def.group, def.resource))
      ?.get(ClusterStore.objectKey(def.namespaced ? namespace : undefined, name));
  }

  peekByKey(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets.get(key)?.get(ClusterStore.objectKey(namespace, name));
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KubeObject {
    const object = this.peek(def, namespace, name);
    if (object === undefined) throw notFound(def.group, def.resource, name);
    return this.present(def, object);
  }

  /** The JSON of a stored (or presented) object, computed once per stored object. */
  json(object: KubeObject): string {
    let text = this.jsonCache.get(object);
    if (text === undefined) {
      text = JSON.stringify(object);
      this.jsonCache.set(object, text);
    }
    return text;
  }

  /** The object as served at the def's version (custom resources change apiVersion only). */
  present(def: ResourceDef, object: KubeObject): KubeObject {
    const apiVersion = apiVersionOf(def.group, def.version);
    return object.apiVersion === apiVersion ? object : { ...object, apiVersion };
  }

  /** Stored objects matching the filter, sorted by namespace and name. */
  list(def: ResourceDef, filter: ListFilter = {}): KubeObject[] {
    const bucket = this.buckets.get(storageKey(def.group, def.resource));
    if (bucket === undefined) return [];
    return listObjects(bucket, { def, filter, present: (object) => this.present(def, object) });
  }

  /** Objects in one namespace across every namespaced resource (for namespace deletion). */
  namespaceContents(namespace: string): { def: ResourceDef; object: KubeObject }[] {
    const out: { def: ResourceDef; object: KubeObject }[] = [];
    for (const key of this.registry.storageKeys()) {
      const [group = "", resource = ""] = key.split("/");
      const def = this.registry.anyVersion(group, resource);
      if (def === undefined || !def.namespaced) continue;
      for (const [objectKey, object] of this.buckets.get(key) ?? [])
        if (objectKey.startsWith(`${namespace}/`)) out.push({ def, object });
    }
    return out;
  }

  namespaceObjectCount(namespace: string): number {
    return this.indexes.namespaceCount(namespace);
  }

  // ---- schemas -------------------------------------------------------------------------

  /** The OpenAPI schema of a resource's kind and the schemas it references. */
  schemaOf(def: ResourceDef): KindSchema | undefined {
    return this.schemas.schemaOf(def);
  }

  cursorOf(def: ResourceDef): SchemaCursor {
    return this.schemas.cursorOf(def);
  }

  // ---- writes --------------------------------------------------------------------------

  /** The store clock's now, as metadata timestamps are written. */
  now(): string {
    return kubeTime(this.clock.now());
  }

  /** What defaulting needs from this cluster (default StorageClass, free IPs and ports). */
  defaultsContext(): DefaultsContext {
    return defaultsContext((key) => this.buckets.get(key)?.values() ?? []);
  }

  /** Validates a write against schema, metadata and kind rules (see `validateWrite`). */
  validate(
    def: ResourceDef,
    object: KubeObject,
    previous: KubeObject | undefined,
    options: WriteOptions,
  ): void {
    validateWrite({
      def,
      object,
      previous,
      options,
      schema: this.schemaOf(def),
      crValidator: this.crValidator,
      crdOf: (name) => this.buckets.get(CRD_KEY)?.get(name),
      storageClassOf: (ns, n) => this.peekByKey("storage.k8s.io/storageclasses", ns, n),
    });
  }

  /** Creates an object as POST does: admission, defaults, validation, then commit. */
  create(
    def: ResourceDef,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    return createObject(this, { def, namespace, body, options });
  }

  /** Replaces an object as PUT does (or its status, for the status subresource). */
  update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    return updateObject(this, { def, namespace, name, body, options });
  }

  /** Patches an object (json, merge, strategic or server-side apply), as PATCH does. */
  patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    options: WriteOptions & { force?: boolean } = {},
  ): { object: KubeObject; created: boolean } {
    return patchObject(this, { def, namespace, name, type, body, options });
  }

  /** Deletes as DELETE does: finalizers, propagation policy, namespace and CRD clean-up. */
  delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): { object: KubeObject; deleted: boolean } {
    return deleteObject(this, { def, namespace, name, options });
  }

  /** Removes an object that has finished deleting (a namespace once empty). */
  finalizeRemoval(def: ResourceDef, object: KubeObject): void {
    const current = this.peek(def, object.metadata.namespace, object.metadata.name ?? "");
    if (current !== undefined) this.commit(def, current, "DELETED", current);
  }

  /** Writes a change: new resourceVersion, indexes, log, history, watchers, follow-ups. */
  commit(
    def: ResourceDef,
    object: KubeObject,
    type: WatchEventType,
    previous: KubeObject | undefined,
  ): KubeObject {
    const key = storageKey(def.group, def.resource);
    const objectKey = ClusterStore.objectKey(
      def.namespaced ? object.metadata.namespace : undefined,
      object.metadata.name ?? "",
    );
    this.rv += 1;
    const stored: KubeObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(this.rv) },
    };
    const bucket = this.bucket(key);
    this.indexes.update(key, objectKey, type === "DELETED" ? undefined : stored, previous);
    if (type === "DELETED") {
      bucket.delete(objectKey);
      this.log?.remove(key, objectKey, this.rv);
    } else {
      bucket.set(objectKey, stored);
      this.log?.put(key, objectKey, this.json(stored), this.rv);
    }
    // Status churn from controllers would grow the log without bound: compact it now and then.
    if (this.log !== undefined && this.log.records > Math.max(20_000, 4 * this.count())) {
      this.log.rewrite({ buckets: this.buckets, resourceVersion: this.rv });
    }
    this.watch.record({ rv: this.rv, key, type, object: stored, previous });
    afterCommit(this, { def, type, object: stored, previous });
    return stored;
  }

  // ---- watch ---------------------------------------------------------------------------

  /**
   * Calls `handler` for every change of `key` (all resources when undefined) after
   * `fromRv` (now when undefined). Events arrive asynchronously, in order. A `fromRv`
   * older than the kept history is 410 Gone, as the real server answers.
   */
  subscribe(
    key: string | undefined,
    fromRv: number | undefined,
    handler: (event: StoreEvent) => void,
  ): () => void {
    return this.watch.subscribe(key, { fromRv, currentRv: this.rv }, handler);
  }
}
