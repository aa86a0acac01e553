import type { KubeObject, ObjectRef, ResourceType } from "../engine/kube-object.js";

/**
 * The cluster port: everything the engine and the controller ask of a Kubernetes cluster.
 * The production adapter (`client-node.ts`) speaks the Kubernetes API through a kubeconfig;
 * unit tests pass hand-written fakes. Nothing behind this port knows whether a cluster is
 * local or remote.
 */
export interface ClusterClient {
  /** The Cluster manifest's name, for messages and status. */
  readonly name: string;
  serverVersion(): Promise<ServerVersion>;
  /** Every type the server serves at its preferred version (`kubectl api-resources`). */
  discover(): Promise<ResourceType[]>;
  /** All objects of `type`, paginated under the hood. */
  list(type: ResourceType, options?: ListOptions): Promise<KubeObject[]>;
  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  create(object: KubeObject): Promise<KubeObject>;
  /** PUT: replaces the object; a stale resourceVersion is a Conflict. */
  replace(object: KubeObject): Promise<KubeObject>;
  /**
   * Server-side apply (field manager `ferry`, conflicts forced): creates the object or makes
   * Ferry own exactly the fields it sends, keeping server-populated fields such as a
   * Service's clusterIP or a bound claim's volumeName.
   */
  apply(object: KubeObject): Promise<KubeObject>;
  /** A merge patch (RFC 7386) of the object named by `ref`. */
  mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject>;
  /** Deletes; deleting an absent object is not an error. */
  delete(
    ref: ObjectRef,
    options?: { propagationPolicy?: "Foreground" | "Background" | "Orphan" },
  ): Promise<void>;
  /** A pod's log (all of it, or the last `tailLines`). */
  podLog(namespace: string, pod: string, options?: { tailLines?: number }): Promise<string>;
}

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly gitVersion: string;
}
