import { randomUUID } from "node:crypto";
import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { parse as parseYaml } from "yaml";
import type { Clock } from "../../core/clock.js";
import { systemClock } from "../../core/clock.js";
import type { KubeObject, WatchEventType } from "../api.js";
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  invalid,
  notFound,
  qualifiedResource,
  type StatusCause,
} from "../errors.js";
import { ResourceRegistry } from "../resources/registry.js";
import { apiVersionOf, storageKey, type ResourceDef } from "../resources/types.js";
import { SchemaCursor } from "../schema/cursor.js";
import type { ModelCatalog, OpenApiSchema } from "../schema/models.js";
import { checkSchema } from "../schema/validate.js";
import { recordUpdate, serverSideApply, type ManagerInfo } from "../patch/apply.js";
import { mergePatch } from "../patch/merge-patch.js";
import { strategicMerge } from "../patch/strategic.js";
import { validateKind, validateMetadata } from "./admission.js";
import { crdResources, crdStatus, crdVersionSchema, CrValidator, defaultCrd, prune } from "./crd.js";
import { applyDefaults, normalizeSecret } from "./defaults.js";
import { generateName } from "./names.js";
import { StateLog } from "./persistence.js";
import { fieldMatcher, labelMatcher } from "./selectors.js";
import { admitUpdate } from "./immutable.js";
import { GarbageCollector } from "./gc.js";
import { text } from "../text.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A change as the store records it, for watches and their history. */
export interface StoreEvent {
  rv: number;
  key: string;
  type: WatchEventType;
  object: KubeObject;
  /** The object before the change, so filtered watches can tell a label change from a delete. */
  previous: KubeObject | undefined;
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Options of a write, mirroring the query parameters of the real API. */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** Warnings for the response's `Warning` headers. */
  warnings?: string[];
  subresource?: "status";
  /** Internal: managedFields were already computed (server-side apply). */
  managedFieldsSet?: boolean;
}

export type PatchType = "json" | "merge" | "strategic" | "apply";

export interface DeleteOptions {
  propagationPolicy?: "Foreground" | "Background" | "Orphan";
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ListFilter {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface StoreOptions {
  clusterName: string;
  catalog: ModelCatalog;
  /** Where the state log lives; memory only when absent. */
  stateDir?: string;
  clock?: Clock;
}

interface Subscriber {
  key: string | undefined;
  handler: (event: StoreEvent) => void;
  closed: boolean;
}

const HISTORY = 50_000;
const SYSTEM_MANAGER = "ferry-local";

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export const kubeTime = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/**
 * One cluster's object store: every object of every resource, the cluster-wide
 * resourceVersion, admission (validation, defaults, namespaces), patches, finalizers and
 * garbage collection, watch history, and persistence. Objects are never mutated once stored,
 * so history and watchers share them safely.
 */
export class ClusterStore {
  readonly registry = new ResourceRegistry();
  readonly clusterName: string;
  readonly clock: Clock;
  private readonly catalog: ModelCatalog;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private rv = 0;
  private history: StoreEvent[] = [];
  /** The oldest resourceVersion a watch can resume from (older ones are 410 Gone). */
  private historyFloor = 0;
  private readonly subscribers = new Set<Subscriber>();
  private pending: { sub: Subscriber; event: StoreEvent }[] = [];
  private draining = false;
  private readonly log: StateLog | undefined;
  private readonly crValidator = new CrValidator();
  private readonly schemaCache = new Map<
    string,
    { root: OpenApiSchema; defs: Record<string, OpenApiSchema> }
  >();
  /** owner uid → dependents as `storageKey\0objectKey`. */
  readonly dependents = new Map<string, Set<string>>();
  private readonly nsCounts = new Map<string, number>();
  readonly gc: GarbageCollector;
  /** Serialised stored objects: they never change, so each is stringified once (log, responses, lists). */
  private readonly jsonCache = new WeakMap<KubeObject, string>();

  constructor(options: StoreOptions) {
    this.clusterName = options.clusterName;
    this.catalog = options.catalog;
    this.clock = options.clock ?? systemClock;
    this.gc = new GarbageCollector(this);
    if (options.stateDir !== undefined) {
      const { log, state } = StateLog.open(options.stateDir);
      this.log = log;
      this.rv = state.resourceVersion;
      this.historyFloor = this.rv;
      for (const [key, bucket] of state.buckets) {
        if (key === "") continue;
        for (const [objectKey, object] of bucket) this.index(key, objectKey, object, undefined);
        this.buckets.set(key, bucket);
      }
      for (const crd of this.buckets
        .get(storageKey("apiextensions.k8s.io", "customresourcedefinitions"))
        ?.values() ?? []) {
        for (const def of crdResources(crd)) this.registry.add(def);
      }
    }
  }

  /** The newest resourceVersion. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Flushes and closes persistence; the store must not be written afterwards. */
  close(): void {
    this.gc.stop();
    this.log?.close();
    for (const sub of this.subscribers) sub.closed = true;
    this.subscribers.clear();
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
    const labels = labelMatcher(filter.labelSelector);
    const fields = fieldMatcher(filter.fieldSelector);
    const prefix =
      def.namespaced && filter.namespace !== undefined && filter.namespace !== ""
        ? `${filter.namespace}/`
        : undefined;
    const keys = [...bucket.keys()].filter((k) => prefix === undefined || k.startsWith(prefix)).sort();
    const out: KubeObject[] = [];
    for (const key of keys) {
      const object = bucket.get(key);
      if (object !== undefined && labels(object) && fields(object)) out.push(this.present(def, object));
    }
    return out;
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
    return this.nsCounts.get(namespace) ?? 0;
  }

  // ---- schemas -------------------------------------------------------------------------

  /** The OpenAPI schema of a resource's kind and the schemas it references. */
  schemaOf(def: ResourceDef): { root: OpenApiSchema; defs: Record<string, OpenApiSchema> } | undefined {
    if (def.crd !== undefined) {
      const crd = this.buckets
        .get(storageKey("apiextensions.k8s.io", "customresourcedefinitions"))
        ?.get(def.crd.name);
      if (crd === undefined) return undefined;
      const cacheKey = `${def.crd.name}@${crd.metadata.resourceVersion ?? ""}/${def.version}`;
      let cached = this.schemaCache.get(cacheKey);
      if (cached === undefined) {
        const schema = crdVersionSchema(crd, def.version) ?? {
          type: "object",
          "x-kubernetes-preserve-unknown-fields": true,
        };
        const defs = this.catalog.schemas("V1ObjectMeta");
        const props = {
          ...((schema["properties"] as Obj | undefined) ?? {}),
          metadata: { allOf: [{ $ref: "#/components/schemas/V1ObjectMeta" }] },
        };
        cached = { root: { ...schema, properties: props }, defs };
        this.schemaCache.set(cacheKey, cached);
      }
      return cached;
    }
    if (def.model === undefined) return undefined;
    let cached = this.schemaCache.get(def.model);
    if (cached === undefined) {
      const defs = this.catalog.schemas(def.model);
      const root = defs[def.model];
      if (root === undefined) return undefined;
      cached = { root, defs };
      this.schemaCache.set(def.model, cached);
    }
    return cached;
  }

  cursorOf(def: ResourceDef): SchemaCursor {
    const schema = this.schemaOf(def);
    return new SchemaCursor(schema?.root, schema?.defs ?? {});
  }

  // ---- writes --------------------------------------------------------------------------

  private now(): string {
    return kubeTime(this.clock.now());
  }

  private managerInfo(def: ResourceDef, options: WriteOptions): ManagerInfo {
    return {
      manager: options.fieldManager ?? SYSTEM_MANAGER,
      apiVersion: apiVersionOf(def.group, def.version),
      time: this.now(),
      ...(options.subresource === undefined ? {} : { subresource: options.subresource }),
    };
  }

  /** Creates an object as POST does: admission, defaults, validation, then commit. */
  create(
    def: ResourceDef,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const object = this.prepareCreate(def, namespace, body, options);
    recordUpdate({
      previous: undefined,
      next: object,
      schema: this.cursorOf(def),
      info: this.managerInfo(def, options),
      scope: "main",
    });
    if (options.dryRun === true) return this.present(def, object);
    return this.present(def, this.commit(def, object, "ADDED", undefined));
  }

  private prepareCreate(
    def: ResourceDef,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions,
  ): KubeObject {
    if (!isObj(body)) throw badRequest("the body of the request was in an unknown format");
    const object = body as KubeObject;
    this.checkKind(def, object);
    const meta = isObj(object.metadata) ? { ...object.metadata } : {};
    object.metadata = meta;
    if (def.namespaced) {
      const ns = namespace ?? meta.namespace;
      if (ns === undefined || ns === "")
        throw badRequest("the server could not find the requested resource: a namespace is required");
      if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== ns) {
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      meta.namespace = ns;
    } else delete meta.namespace;
    if (
      (meta.name === undefined || meta.name === "") &&
      typeof meta.generateName === "string" &&
      meta.generateName !== ""
    ) {
      meta.name = this.freshName(def, meta.namespace, meta.generateName);
    }
    if (meta.name === undefined || meta.name === "") {
      throw invalid({
        group: def.group,
        kind: def.kind,
        name: "",
        causes: [
          {
            reason: "FieldValueRequired",
            message: "Required value: name or generateName is required",
            field: "metadata.name",
          },
        ],
      });
    }
    if (def.namespaced) this.checkNamespaceOpen(def, meta.namespace ?? "", meta.name);
    if (this.peek(def, meta.namespace, meta.name) !== undefined)
      throw alreadyExists(def.group, def.resource, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = this.now();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    delete meta.managedFields;
    if (def.generation) meta.generation = 1;
    else delete meta.generation;
    if (def.status) delete object["status"];
    applyDefaults(def, object, this.defaultsContext());
    if (def.group === "" && def.resource === "secrets") normalizeSecret(object);
    if (def.group === "apiextensions.k8s.io" && def.resource === "customresourcedefinitions")
      defaultCrd(object);
    this.validate(def, object, undefined, options);
    if (def.group === "apiextensions.k8s.io" && def.resource === "customresourcedefinitions") {
      this.checkCrdNames(object);
      object["status"] = crdStatus(object, this.now());
    }
    this.gc.checkQuota(def, object, undefined);
    return object;
  }

  private freshName(def: ResourceDef, namespace: string | undefined, prefix: string): string {
    for (let i = 0; i < 8; i++) {
      const name = generateName(prefix);
      if (this.peek(def, namespace, name) === undefined) return name;
    }
    throw new ApiError(
      409,
      "AlreadyExists",
      `${qualifiedResource(def.group, def.resource)} could not generate a unique name from "${prefix}"`,
    );
  }

  private checkKind(def: ResourceDef, object: KubeObject): void {
    const apiVersion = apiVersionOf(def.group, def.version);
    if (object.kind !== undefined && object.kind !== "" && object.kind !== def.kind) {
      throw badRequest(
        `the kind in the data (${String(object.kind)}) does not match the expected kind (${def.kind})`,
      );
    }
    const given = object.apiVersion as string | undefined;
    if (given !== undefined && given !== "" && given !== apiVersion) {
      const groupOf = (av: string): string => (av.includes("/") ? (av.split("/")[0] ?? "") : "");
      if (groupOf(given) !== def.group)
        throw badRequest(
          `the API version in the data (${given}) does not match the expected API version (${apiVersion})`,
        );
    }
    object.apiVersion = apiVersion;
    object.kind = def.kind;
  }

  private checkNamespaceOpen(def: ResourceDef, namespace: string, name: string): void {
    const ns = this.buckets.get("/namespaces")?.get(namespace);
    if (ns === undefined) throw notFound("", "namespaces", namespace);
    if (ns.metadata.deletionTimestamp !== undefined) {
      throw new ApiError(
        403,
        "Forbidden",
        `${def.resource}${def.group === "" ? "" : `.${def.group}`} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name,
          ...(def.group === "" ? {} : { group: def.group }),
          kind: def.resource,
          causes: [
            {
              reason: "NamespaceTerminating",
              message: `namespace ${namespace} is being terminated`,
              field: "metadata.namespace",
            },
          ],
        },
      );
    }
  }

  private checkCrdNames(crd: KubeObject): void {
    for (const def of crdResources(crd)) {
      const existing = this.registry.find(def.group, def.version, def.resource);
      if (existing !== undefined && existing.crd === undefined) {
        throw invalid({
          group: "apiextensions.k8s.io",
          kind: "CustomResourceDefinition",
          name: crd.metadata.name ?? "",
          causes: [
            {
              reason: "FieldValueInvalid",
              field: "spec.names.plural",
              message: `Invalid value: "${def.resource}": is a built-in resource`,
            },
          ],
        });
      }
    }
  }

  private defaultsContext(): Parameters<typeof applyDefaults>[2] {
    return {
      defaultStorageClass: () => {
        for (const sc of this.buckets.get("storage.k8s.io/storageclasses")?.values() ?? []) {
          if (sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true")
            return sc.metadata.name;
        }
        return undefined;
      },
      allocateClusterIP: () => {
        const used = new Set(
          [...(this.buckets.get("/services")?.values() ?? [])].map(
            (s) => (s["spec"] as Obj | undefined)?.["clusterIP"],
          ),
        );
        for (;;) {
          const n = 2 + Math.floor(Math.random() * 65000);
          const ip = `10.96.${Math.floor(n / 256)}.${n % 256}`;
          if (!used.has(ip)) return ip;
        }
      },
      allocateNodePort: () => 30000 + Math.floor(Math.random() * 2768),
    };
  }

  /** Schema, metadata and kind validation; throws 400 for decoding errors and 422 for invalid fields. */
  private validate(
    def: ResourceDef,
    object: KubeObject,
    previous: KubeObject | undefined,
    options: WriteOptions,
  ): void {
    const causes: StatusCause[] = [...validateMetadata(def, object)];
    const schema = this.schemaOf(def);
    let unknown: string[] = [];
    if (def.crd !== undefined && schema !== undefined) {
      prune(object, schema.root, "", unknown);
      unknown = unknown.filter((p) => p !== "metadata" && !p.startsWith("metadata."));
      const crd = this.buckets
        .get(storageKey("apiextensions.k8s.io", "customresourcedefinitions"))
        ?.get(def.crd.name);
      causes.push(
        ...this.crValidator.validate(
          `${def.crd.name}@${crd?.metadata.resourceVersion ?? ""}/${def.version}`,
          schema.root,
          object,
        ),
      );
    } else if (schema !== undefined) {
      const findings = checkSchema(object, schema.root, schema.defs);
      if (findings.typeErrors.length > 0) {
        throw badRequest(
          `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: json: ${findings.typeErrors[0] ?? ""}`,
        );
      }
      causes.push(...findings.causes.filter((c) => c.field !== "metadata"));
      unknown = findings.unknownFields;
    }
    causes.push(...validateKind(def, object));
    if (previous !== undefined)
      causes.push(
        ...admitUpdate(def, object, previous, (ns, n) =>
          this.peekByKey("storage.k8s.io/storageclasses", ns, n),
        ),
      );
    if (causes.length > 0)
      throw invalid({ group: def.group, kind: def.kind, name: object.metadata.name ?? "", causes });
    if (unknown.length > 0) {
      const mode = options.fieldValidation ?? "Warn";
      if (mode === "Strict") {
        const list = unknown.map((p) => `unknown field "${p}"`);
        throw badRequest(
          `${list.length === 1 ? "strict decoding error: " : "strict decoding error: "}${list.join(", ")}`,
        );
      }
      if (mode === "Warn") options.warnings?.push(...unknown.map((p) => `unknown field "${p}"`));
      if (def.crd === undefined) for (const p of unknown) deletePath(object, p);
    }
  }

  /** Replaces an object as PUT does (or its status, for the status subresource). */
  update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    if (!isObj(body)) throw badRequest("the body of the request was in an unknown format");
    const existing = this.peek(def, namespace, name);
    if (existing === undefined) throw notFound(def.group, def.resource, name);
    const incoming = body as KubeObject;
    this.checkKind(def, incoming);
    const meta = isObj(incoming.metadata) ? incoming.metadata : {};
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
      );
    }
    if (
      meta.resourceVersion !== undefined &&
      meta.resourceVersion !== "" &&
      meta.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(
        def.group,
        def.resource,
        name,
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    }
    if (meta.uid !== undefined && meta.uid !== "" && meta.uid !== existing.metadata.uid) {
      throw conflict(
        def.group,
        def.resource,
        name,
        `Precondition failed: UID in precondition: ${String(meta.uid)}, UID in object meta: ${existing.metadata.uid ?? ""}`,
      );
    }
    let next: KubeObject;
    if (options.subresource === "status") {
      next = { ...existing, status: incoming["status"] };
      if (incoming["status"] === undefined) delete next["status"];
    } else {
      next = { ...incoming, metadata: { ...meta } };
      const m = next.metadata as Obj;
      m["name"] = existing.metadata.name;
      if (def.namespaced) m["namespace"] = existing.metadata.namespace;
      else delete m["namespace"];
      m["uid"] = existing.metadata.uid;
      m["creationTimestamp"] = existing.metadata.creationTimestamp;
      if (existing.metadata.generation !== undefined) m["generation"] = existing.metadata.generation;
      if (existing.metadata.deletionTimestamp !== undefined) {
        m["deletionTimestamp"] = existing.metadata.deletionTimestamp;
        if (existing.metadata["deletionGracePeriodSeconds"] !== undefined)
          m["deletionGracePeriodSeconds"] = existing.metadata["deletionGracePeriodSeconds"];
      } else {
        delete m["deletionTimestamp"];
        delete m["deletionGracePeriodSeconds"];
      }
      if (m["managedFields"] === undefined && existing.metadata["managedFields"] !== undefined)
        m["managedFields"] = existing.metadata["managedFields"];
      if (def.status) {
        if (existing["status"] === undefined) delete next["status"];
        else next["status"] = existing["status"];
      }
      if (def.group === "" && def.resource === "namespaces") {
        next["spec"] = existing["spec"];
        next["status"] = existing["status"];
      }
      if (existing.metadata.deletionTimestamp !== undefined) {
        // Once deleting, finalizers can only be removed, never added.
        const before = existing.metadata.finalizers ?? [];
        const kept = ((m["finalizers"] as string[] | undefined) ?? []).filter((f) => before.includes(f));
        if (kept.length === 0) delete m["finalizers"];
        else m["finalizers"] = kept;
      }
      if (def.group === "" && def.resource === "secrets") normalizeSecret(next);
      this.validate(def, next, existing, options);
    }
    if (
      def.group === "apiextensions.k8s.io" &&
      def.resource === "customresourcedefinitions" &&
      options.subresource !== "status"
    ) {
      defaultCrd(next);
      next["status"] = crdStatus(next, this.now());
    }
    if (def.generation && options.subresource !== "status" && specChanged(existing, next)) {
      next.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    }
    if (options.subresource !== "status") this.gc.checkQuota(def, next, existing);
    if (options.managedFieldsSet !== true) {
      recordUpdate({
        previous: existing,
        next,
        schema: this.cursorOf(def),
        info: this.managerInfo(def, options),
        scope: options.subresource === "status" ? "status" : "main",
      });
    }
    if (options.dryRun === true) return this.present(def, next);
    if (sameContent(existing, next)) return this.present(def, existing);
    if (
      next.metadata.deletionTimestamp !== undefined &&
      (next.metadata.finalizers ?? []).length === 0 &&
      !(def.group === "" && def.resource === "namespaces")
    ) {
      return this.present(def, this.commit(def, next, "DELETED", existing));
    }
    return this.present(def, this.commit(def, next, "MODIFIED", existing));
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
    const patch = typeof body === "string" ? parsePatchBody(type, body) : body;
    const existing = this.peek(def, namespace, name);
    if (type === "apply") {
      if (!isObj(patch)) throw badRequest("the body of an apply patch must be an object");
      if (options.fieldManager === undefined || options.fieldManager === "") {
        throw badRequest("PATCH, PUT or POST requests with apply-patch must set the fieldManager parameter");
      }
      const applied = patch as KubeObject;
      const meta = isObj(applied.metadata) ? applied.metadata : {};
      if (meta.name !== undefined && meta.name !== name) {
        throw badRequest(
          `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
        );
      }
      const info = this.managerInfo(def, options);
      const scope = options.subresource === "status" ? "status" : "main";
      if (existing === undefined) {
        if (options.subresource === "status") throw notFound(def.group, def.resource, name);
        const merged = serverSideApply({
          current: undefined,
          applied,
          schema: this.cursorOf(def),
          info,
          force: options.force === true,
          scope,
        }) as KubeObject;
        const managed = merged.metadata["managedFields"];
        const object = this.prepareCreate(
          def,
          namespace,
          { ...merged, metadata: { ...merged.metadata, name } },
          options,
        );
        object.metadata["managedFields"] = managed;
        if (options.dryRun === true) return { object: this.present(def, object), created: true };
        return { object: this.present(def, this.commit(def, object, "ADDED", undefined)), created: true };
      }
      this.checkKind(def, { ...applied });
      if (meta.resourceVersion !== undefined && meta.resourceVersion !== existing.metadata.resourceVersion) {
        throw conflict(
          def.group,
          def.resource,
          name,
          "the object has been modified; please apply your changes to the latest version and try again",
        );
      }
      const merged = serverSideApply({
        current: existing,
        applied,
        schema: this.cursorOf(def),
        info,
        force: options.force === true,
        scope,
      }) as KubeObject;
      (merged.metadata as Obj)["resourceVersion"] = existing.metadata.resourceVersion;
      const object = this.update(def, namespace, name, merged, { ...options, managedFieldsSet: true });
      return { object, created: false };
    }
    if (existing === undefined) throw notFound(def.group, def.resource, name);
    const current = structuredClone(this.present(def, existing)) as Obj;
    let result: unknown;
    switch (type) {
      case "json": {
        if (!Array.isArray(patch)) throw badRequest("json patch must be a list of operations");
        try {
          result = jsonpatch.applyPatch(current, patch as Operation[], true, false).newDocument;
        } catch (e) {
          throw new ApiError(
            422,
            "Invalid",
            `the server rejected our request due to an error in our request: ${e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e)}`,
          );
        }
        break;
      }
      case "merge":
        result = mergePatch(current, patch);
        break;
      case "strategic":
        if (def.crd !== undefined) {
          throw new ApiError(
            415,
            "UnsupportedMediaType",
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
          );
        }
        result = strategicMerge(current, patch, this.cursorOf(def));
        break;
    }
    if (!isObj(result)) throw badRequest("the patched object is not an object");
    const next = result as KubeObject;
    if (!isObj(next.metadata)) next.metadata = {};
    return { object: this.update(def, namespace, name, next, options), created: false };
  }

  /** Deletes as DELETE does: finalizers, propagation policy, namespace and CRD clean-up. */
  delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): { object: KubeObject; deleted: boolean } {
    const existing = this.peek(def, namespace, name);
    if (existing === undefined) throw notFound(def.group, def.resource, name);
    const pre = options.preconditions;
    if (pre?.uid !== undefined && pre.uid !== existing.metadata.uid) {
      throw conflict(
        def.group,
        def.resource,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid ?? ""}`,
      );
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(
        def.group,
        def.resource,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion ?? ""}`,
      );
    }
    const isNamespace = def.group === "" && def.resource === "namespaces";
    if (isNamespace && ["default", "kube-system", "kube-public"].includes(name)) {
      throw new ApiError(
        403,
        "Forbidden",
        `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        { name, kind: "namespaces" },
      );
    }
    const isCrd = def.group === "apiextensions.k8s.io" && def.resource === "customresourcedefinitions";
    const policy = options.propagationPolicy ?? def.defaultPropagation;
    const finalizers = [...(existing.metadata.finalizers ?? [])];
    const hasDependents = (this.dependents.get(existing.metadata.uid ?? "")?.size ?? 0) > 0;
    if (policy === "Foreground" && hasDependents && !finalizers.includes("foregroundDeletion"))
      finalizers.push("foregroundDeletion");
    if (policy === "Orphan" && hasDependents && !finalizers.includes("orphan")) finalizers.push("orphan");
    if (isCrd && !finalizers.includes("customresourcecleanup.apiextensions.k8s.io"))
      finalizers.push("customresourcecleanup.apiextensions.k8s.io");
    if (options.dryRun === true)
      return { object: this.present(def, existing), deleted: finalizers.length === 0 && !isNamespace };
    if (isNamespace || finalizers.length > 0) {
      if (
        existing.metadata.deletionTimestamp !== undefined &&
        sameList(finalizers, existing.metadata.finalizers)
      ) {
        return { object: this.present(def, existing), deleted: false };
      }
      const next: KubeObject = {
        ...existing,
        metadata: {
          ...existing.metadata,
          deletionTimestamp: existing.metadata.deletionTimestamp ?? this.now(),
          deletionGracePeriodSeconds: 0,
          ...(finalizers.length > 0 ? { finalizers } : {}),
        },
      };
      if (isNamespace) next["status"] = { ...(existing["status"] as Obj | undefined), phase: "Terminating" };
      const committed = this.commit(def, next, "MODIFIED", existing);
      this.gc.enqueueDeleting(def, committed);
      return { object: this.present(def, committed), deleted: false };
    }
    return { object: this.present(def, this.commit(def, existing, "DELETED", existing)), deleted: true };
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
    this.index(key, objectKey, type === "DELETED" ? undefined : stored, previous);
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
    this.record({ rv: this.rv, key, type, object: stored, previous });
    this.afterCommit(def, type, stored, previous);
    return stored;
  }

  private index(
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

  private afterCommit(
    def: ResourceDef,
    type: WatchEventType,
    object: KubeObject,
    previous: KubeObject | undefined,
  ): void {
    const isCrd = def.group === "apiextensions.k8s.io" && def.resource === "customresourcedefinitions";
    if (isCrd) {
      const group = text((object["spec"] as Obj | undefined)?.["group"]);
      const plural = text(((object["spec"] as Obj | undefined)?.["names"] as Obj | undefined)?.["plural"]);
      if (type === "DELETED") this.registry.removeResource(group, plural);
      else if (object.metadata.deletionTimestamp === undefined) {
        this.registry.removeResource(group, plural);
        for (const d of crdResources(object)) this.registry.add(d);
      }
    }
    if (type === "ADDED" && def.group === "" && def.resource === "namespaces")
      this.gc.namespaceCreated(object);
    if (type === "DELETED") this.gc.removed(def, object);
    else if (object.metadata.deletionTimestamp !== undefined && previous !== undefined)
      this.gc.enqueueDeleting(def, object);
  }

  // ---- watch ---------------------------------------------------------------------------

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY * 2) {
      const dropped = this.history.splice(0, this.history.length - HISTORY);
      this.historyFloor = dropped[dropped.length - 1]?.rv ?? this.historyFloor;
    }
    for (const sub of this.subscribers)
      if (sub.key === undefined || sub.key === event.key) this.pending.push({ sub, event });
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.draining || this.pending.length === 0) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      const batch = this.pending;
      this.pending = [];
      for (const { sub, event } of batch) if (!sub.closed) sub.handler(event);
      this.scheduleDrain();
    });
  }

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
    const sub: Subscriber = { key, handler, closed: false };
    if (fromRv !== undefined && fromRv < this.rv) {
      if (fromRv < this.historyFloor) {
        throw new ApiError(410, "Expired", `too old resource version: ${fromRv} (${this.historyFloor + 1})`);
      }
      for (const event of this.history) {
        if (event.rv > fromRv && (key === undefined || event.key === key)) this.pending.push({ sub, event });
      }
      this.scheduleDrain();
    }
    this.subscribers.add(sub);
    return () => {
      sub.closed = true;
      this.subscribers.delete(sub);
    };
  }
}

function parsePatchBody(type: PatchType, body: string): unknown {
  try {
    return type === "apply" ? parseYaml(body) : JSON.parse(body);
  } catch (e) {
    throw badRequest(`error decoding patch: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function specChanged(before: KubeObject, after: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const { metadata: _m, status: _s, ...rest } = o;
    return JSON.stringify(rest);
  };
  return strip(before) !== strip(after);
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = o.metadata;
    return JSON.stringify({ ...o, metadata: meta });
  };
  return strip(a) === strip(b);
}

const sameList = (a: readonly string[], b: readonly string[] | undefined): boolean =>
  a.length === (b ?? []).length && a.every((x, i) => x === b?.[i]);

function deletePath(object: Obj, path: string): void {
  const parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  const last = parts.pop();
  let current: unknown = object;
  for (const p of parts) current = isObj(current) || Array.isArray(current) ? (current as Obj)[p] : undefined;
  if (isObj(current) && last !== undefined) delete current[last];
}
