/**
 * The replication engine's view of a Kubernetes object: plain JSON with the few fields the
 * engine reads typed. Deliberately separate from `src/local/api.ts` so the engine does not
 * depend on the local cluster; the cluster adapter hands the engine plain objects.
 */

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeObjectMeta;
  [field: string]: unknown;
}

export interface KubeObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
  [field: string]: unknown;
}

/** Identifies one object: what status, errors and restore decisions name. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** A type the target or source serves, as discovery reports it (`kubectl api-resources`). */
export interface ResourceType {
  /** API group; `""` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural resource name, e.g. `deployments`. */
  readonly plural: string;
  readonly namespaced: boolean;
  /** Short names (`deploy`, `pvc`), matched by kind filters like Velero does. */
  readonly shortNames?: readonly string[];
}

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `""`. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The version part of an apiVersion: `apps/v1` → `v1`. */
export function apiVersionOnly(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

/** `Kind.group` (`Deployment.apps`), or the bare kind for the core group: the key CRDs and filters use. */
export function groupKind(obj: { apiVersion: string; kind: string }): string {
  const group = apiGroup(obj.apiVersion);
  return group === "" ? obj.kind : `${obj.kind}.${group}`;
}

/** The reference of an object. */
export function refOf(obj: KubeObject): ObjectRef {
  const { namespace } = obj.metadata;
  return namespace === undefined
    ? { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name }
    : { apiVersion: obj.apiVersion, kind: obj.kind, namespace, name: obj.metadata.name };
}

/** A stable identity for maps and sets: group, kind, namespace and name (not the version). */
export function objectKey(ref: ObjectRef): string {
  return `${apiGroup(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}

/** For messages: `Deployment shop/web`, `ClusterRole admin`. */
export function formatRef(ref: ObjectRef): string {
  return ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** A deep copy, so transforms never mutate their input. */
export function cloneObject<T extends KubeObject>(obj: T): T {
  return structuredClone(obj);
}

/** A plain-object check for walking untyped JSON. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
