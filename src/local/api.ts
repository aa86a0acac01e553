/**
 * The in-process API of a local cluster's store. The HTTP server (src/local/server) and the
 * simulated controllers (src/local/controllers) both go through it, so a controller sees
 * exactly what a client over HTTP would: resourceVersions, generations, watch events and
 * admission all happen here.
 */

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

export interface KubeMetadata {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Group, version and plural resource name; the core group is "". */
export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * Errors are thrown as `ApiError` (see `./errors.ts` once the server lands) carrying the
 * HTTP code and Kubernetes reason (NotFound, AlreadyExists, Conflict, Invalid, ...).
 */
export interface LocalApi {
  get(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject | undefined;
  list(gvr: GroupVersionResource, options?: ListOptions): KubeObject[];
  create(gvr: GroupVersionResource, object: KubeObject): KubeObject;
  /** Replaces the object (spec and metadata); a stale resourceVersion is a Conflict. */
  update(gvr: GroupVersionResource, object: KubeObject): KubeObject;
  /** Replaces only `.status`, as the status subresource does; generation is unchanged. */
  updateStatus(gvr: GroupVersionResource, object: KubeObject): KubeObject;
  /** Deletes with finalizers and propagation as the real server does (default Background). */
  delete(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    options?: { propagationPolicy?: "Foreground" | "Background" | "Orphan" },
  ): void;
  /** Calls `handler` for every change from now on; returns the function that stops it. */
  watch(gvr: GroupVersionResource, handler: (event: WatchEvent) => void): () => void;
}
