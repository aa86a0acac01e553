/** A hand-written fake of Ferry's ClusterClient port: objects in a map, reachability a flag. */
import type { ClusterClient, ListOptions, ServerVersion } from "../../../src/cluster/port.js";
import { FerryError } from "../../../src/core/errors.js";
import type { KubeObject, ObjectRef, ResourceType } from "../../../src/engine/kube-object.js";

export class FakeCluster implements ClusterClient {
  readonly objects = new Map<string, KubeObject>();
  reachable = true;
  /** Claims whose growth the "API server" refuses (class without allowVolumeExpansion). */
  readonly refuseGrowth = new Set<string>();
  readonly calls: string[] = [];

  constructor(readonly name: string) {}

  private key(ref: ObjectRef): string {
    return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
  }

  put(object: KubeObject): void {
    const ref = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    };
    this.objects.set(this.key(ref), object);
  }

  /** Async like a request: a call yields to the event loop before it answers. */
  private async check(): Promise<void> {
    await Promise.resolve();
    if (!this.reachable) throw new FerryError("Remote", `connect ECONNREFUSED (${this.name})`);
  }

  async serverVersion(): Promise<ServerVersion> {
    await this.check();
    return { major: 1, minor: 31, gitVersion: "v1.31.0" };
  }
  async discover(): Promise<ResourceType[]> {
    await this.check();
    return [];
  }
  async list(type: ResourceType, options: ListOptions = {}): Promise<KubeObject[]> {
    await this.check();
    const apiVersion = type.group === "" ? type.version : `${type.group}/${type.version}`;
    const selector = (options.labelSelector ?? "").split(",").filter((s) => s !== "");
    return [...this.objects.values()].filter(
      (o) =>
        o.apiVersion === apiVersion &&
        o.kind === type.kind &&
        (options.namespace === undefined || o.metadata.namespace === options.namespace) &&
        selector.every((s) => {
          const [k = "", v] = s.split("=");
          return v === undefined ? o.metadata.labels?.[k] !== undefined : o.metadata.labels?.[k] === v;
        }),
    );
  }
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    await this.check();
    return this.objects.get(this.key(ref));
  }
  async create(object: KubeObject): Promise<KubeObject> {
    await this.check();
    this.calls.push(`create ${object.kind}/${object.metadata.name}`);
    this.put(object);
    return object;
  }
  async replace(object: KubeObject): Promise<KubeObject> {
    await this.check();
    this.calls.push(`replace ${object.kind}/${object.metadata.name}`);
    this.put(object);
    return object;
  }
  async apply(object: KubeObject): Promise<KubeObject> {
    return await this.replace(object);
  }
  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    await this.check();
    if (this.refuseGrowth.has(ref.name))
      throw new FerryError(
        "Invalid",
        "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
      );
    const current = this.objects.get(this.key(ref));
    if (current === undefined) throw new FerryError("NotFound", `${ref.name} not found`);
    this.calls.push(`patch ${ref.kind}/${ref.name}`);
    const size = (patch["spec"] as { resources: { requests: { storage: string } } }).resources.requests
      .storage;
    // The fake grows at once: request and capacity.
    const next = {
      ...current,
      spec: { ...(current["spec"] as object), resources: { requests: { storage: size } } },
      status: { phase: "Bound", capacity: { storage: size } },
    };
    this.put(next);
    return next;
  }
  async delete(ref: ObjectRef): Promise<void> {
    await this.check();
    this.calls.push(`delete ${ref.kind}/${ref.name}`);
    this.objects.delete(this.key(ref));
  }
  async podLog(): Promise<string> {
    await this.check();
    return "";
  }
}

export function boundClaim(name: string, size: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: "shop", labels },
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "standard",
      resources: { requests: { storage: size } },
    },
    status: { phase: "Bound", capacity: { storage: size } },
  };
}
