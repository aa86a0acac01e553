/** A hand-written in-memory ClusterClient (a fake of Ferry's own port) for shell unit tests. */
import type { ClusterClient, ListOptions, ServerVersion } from "../../../src/cluster/port.js";
import { FerryError } from "../../../src/core/errors.js";
import {
  objectKey,
  refOf,
  type KubeObject,
  type ObjectRef,
  type ResourceType,
} from "../../../src/engine/kube-object.js";

export const CONFIG_MAPS: ResourceType = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
};
export const NAMESPACES: ResourceType = {
  group: "",
  version: "v1",
  kind: "Namespace",
  plural: "namespaces",
  namespaced: false,
};
export const CRDS: ResourceType = {
  group: "apiextensions.k8s.io",
  version: "v1",
  kind: "CustomResourceDefinition",
  plural: "customresourcedefinitions",
  namespaced: false,
};

export class FakeCluster implements ClusterClient {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: string[] = [];
  /** Runs before a create is answered; may throw or change `objects`. */
  beforeCreate?: (obj: KubeObject) => void;
  /** Runs on every get; may change what is stored. */
  onGet?: (ref: ObjectRef) => void;
  private version = 1;

  constructor(
    readonly name: string,
    readonly types: ResourceType[] = [CONFIG_MAPS, NAMESPACES, CRDS],
  ) {}

  serverVersion(): Promise<ServerVersion> {
    return Promise.resolve({ major: 1, minor: 32, gitVersion: "v1.32.0" });
  }
  discover(): Promise<ResourceType[]> {
    this.calls.push("discover");
    return Promise.resolve(this.types);
  }
  list(type: ResourceType, options: ListOptions = {}): Promise<KubeObject[]> {
    this.calls.push(`list ${type.plural}`);
    return Promise.resolve(
      [...this.objects.values()].filter(
        (o) =>
          o.kind === type.kind &&
          (options.namespace === undefined || o.metadata.namespace === options.namespace),
      ),
    );
  }
  get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.calls.push(`get ${ref.name}`);
    this.onGet?.(ref);
    return Promise.resolve(this.objects.get(objectKey(ref)));
  }
  create(object: KubeObject): Promise<KubeObject> {
    this.calls.push(`create ${object.metadata.name}`);
    this.beforeCreate?.(object);
    const key = objectKey(refOf(object));
    if (this.objects.has(key))
      return Promise.reject(
        new FerryError("Conflict", "already exists", { data: { status: 409, reason: "AlreadyExists" } }),
      );
    return Promise.resolve(this.store(object));
  }
  replace(object: KubeObject): Promise<KubeObject> {
    return Promise.resolve(this.store(object));
  }
  apply(object: KubeObject): Promise<KubeObject> {
    this.calls.push(`apply ${object.metadata.name}`);
    return Promise.resolve(this.store(object));
  }
  mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    const current = this.objects.get(objectKey(ref));
    if (current === undefined) return Promise.reject(new FerryError("NotFound", "not found"));
    return Promise.resolve(this.store({ ...current, ...patch }));
  }
  delete(ref: ObjectRef): Promise<void> {
    this.objects.delete(objectKey(ref));
    return Promise.resolve();
  }
  podLog(): Promise<string> {
    return Promise.resolve("");
  }

  /** Stores a copy with a fresh resourceVersion, as a server would. */
  store(object: KubeObject): KubeObject {
    const stored = structuredClone(object);
    stored.metadata["resourceVersion"] = String((this.version += 1));
    this.objects.set(objectKey(refOf(stored)), stored);
    return stored;
  }
}
