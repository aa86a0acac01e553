import {
  ApisApi,
  CoreV1Api,
  HttpMethod,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  type KubeConfig,
  type KubernetesObject,
  type V1APIResourceList,
} from "@kubernetes/client-node";
import type { KubeObject, ObjectRef, ResourceType } from "../engine/kube-object.js";
import type { ClusterClient, ListOptions, ServerVersion } from "./port.js";
import { wrapClusterError } from "./errors.js";

/** KubernetesObjectApi with discovery of a whole group version, which it only does per kind. */
class DiscoveringObjectApi extends KubernetesObjectApi {
  static forConfig(kubeConfig: KubeConfig): DiscoveringObjectApi {
    const client = kubeConfig.makeApiClient(DiscoveringObjectApi);
    client.setDefaultNamespace(kubeConfig);
    return client;
  }

  async resourceList(apiVersion: string): Promise<V1APIResourceList> {
    const context = this.configuration.baseServer.makeRequestContext(
      this.apiVersionPath(apiVersion),
      HttpMethod.GET,
    );
    context.setHeaderParam("Accept", "application/json");
    return (await this.requestPromise(context, "V1APIResourceList")) as unknown as V1APIResourceList;
  }
}

const PAGE_SIZE = 500;

/** The ClusterClient adapter over @kubernetes/client-node, reached through a kubeconfig. */
export class KubeClusterClient implements ClusterClient {
  private readonly objects: DiscoveringObjectApi;
  private readonly core: CoreV1Api;
  private readonly apis: ApisApi;
  private readonly versionApi: VersionApi;

  constructor(
    readonly name: string,
    kubeConfig: KubeConfig,
  ) {
    this.objects = DiscoveringObjectApi.forConfig(kubeConfig);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apis = kubeConfig.makeApiClient(ApisApi);
    this.versionApi = kubeConfig.makeApiClient(VersionApi);
  }

  async serverVersion(): Promise<ServerVersion> {
    const info = await this.call("get server version", () => this.versionApi.getCode());
    return {
      major: parseVersionPart(info.major),
      minor: parseVersionPart(info.minor),
      gitVersion: info.gitVersion,
    };
  }

  async discover(): Promise<ResourceType[]> {
    const [core, groups] = await Promise.all([
      this.call("discover core resources", () => this.core.getAPIResources()),
      this.call("discover API groups", () => this.apis.getAPIVersions()),
    ]);
    const lists = await Promise.all(
      groups.groups.map(async (group) => {
        const preferred = group.preferredVersion?.groupVersion ?? group.versions[0]?.groupVersion;
        if (preferred === undefined) return [];
        return toResourceTypes(
          preferred,
          await this.call(`discover ${preferred}`, () => this.objects.resourceList(preferred)),
        );
      }),
    );
    return [...toResourceTypes("v1", core), ...lists.flat()];
  }

  async list(type: ResourceType, options: ListOptions = {}): Promise<KubeObject[]> {
    const apiVersion = type.group === "" ? type.version : `${type.group}/${type.version}`;
    const out: KubeObject[] = [];
    let continueToken: string | undefined;
    do {
      const page = await this.call(`list ${type.plural}`, () =>
        this.objects.list(
          apiVersion,
          type.kind,
          type.namespaced ? options.namespace : undefined,
          undefined,
          undefined,
          undefined,
          options.fieldSelector,
          options.labelSelector,
          PAGE_SIZE,
          continueToken,
        ),
      );
      for (const item of page.items) {
        // List items carry no apiVersion/kind; the list's type does.
        out.push({ ...(item as object), apiVersion, kind: type.kind } as KubeObject);
      }
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken !== undefined);
    return out;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return (await this.objects.read(header(ref))) as KubeObject;
    } catch (cause) {
      const wrapped = wrapClusterError(this.name, `get ${describe(ref)}`, cause);
      if (wrapped.code === "NotFound" && wrapped.data["status"] === 404) return undefined;
      throw wrapped;
    }
  }

  async create(object: KubeObject): Promise<KubeObject> {
    return (await this.call(`create ${describe(object)}`, () =>
      this.objects.create(object as KubernetesObject, undefined, undefined, FIELD_MANAGER),
    )) as KubeObject;
  }

  async replace(object: KubeObject): Promise<KubeObject> {
    return (await this.call(`replace ${describe(object)}`, () =>
      this.objects.replace(object as KubernetesObject, undefined, undefined, FIELD_MANAGER),
    )) as KubeObject;
  }

  async apply(object: KubeObject): Promise<KubeObject> {
    return (await this.call(`apply ${describe(object)}`, () =>
      this.objects.patch(
        object as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),
    )) as KubeObject;
  }

  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    const spec = { ...patch, ...header(ref) } as KubernetesObject;
    return (await this.call(`patch ${describe(ref)}`, () =>
      this.objects.patch(spec, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch),
    )) as KubeObject;
  }

  async delete(
    ref: ObjectRef,
    options: { propagationPolicy?: "Foreground" | "Background" | "Orphan" } = {},
  ): Promise<void> {
    try {
      await this.objects.delete(
        header(ref),
        undefined,
        undefined,
        undefined,
        undefined,
        options.propagationPolicy,
      );
    } catch (cause) {
      const wrapped = wrapClusterError(this.name, `delete ${describe(ref)}`, cause);
      if (wrapped.data["status"] === 404) return;
      throw wrapped;
    }
  }

  async podLog(namespace: string, pod: string, options: { tailLines?: number } = {}): Promise<string> {
    return this.call(`read log of pod ${namespace}/${pod}`, () =>
      this.core.readNamespacedPodLog({
        name: pod,
        namespace,
        ...(options.tailLines === undefined ? {} : { tailLines: options.tailLines }),
      }),
    );
  }

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      throw wrapClusterError(this.name, action, cause);
    }
  }
}

/** The field manager Ferry writes with, visible in managedFields on the clusters. */
export const FIELD_MANAGER = "ferry";

function header(ref: ObjectRef): KubernetesObject & { metadata: { name: string } } {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: ref.namespace === undefined ? { name: ref.name } : { name: ref.name, namespace: ref.namespace },
  };
}

function describe(ref: ObjectRef | KubeObject): string {
  const name = "metadata" in ref ? ref.metadata.name : ref.name;
  const namespace = "metadata" in ref ? ref.metadata.namespace : ref.namespace;
  return `${ref.kind} ${namespace === undefined ? "" : `${namespace}/`}${name}`;
}

function toResourceTypes(groupVersion: string, list: V1APIResourceList): ResourceType[] {
  const slash = groupVersion.indexOf("/");
  const group = slash < 0 ? "" : groupVersion.slice(0, slash);
  const version = slash < 0 ? groupVersion : groupVersion.slice(slash + 1);
  return list.resources
    .filter((r) => !r.name.includes("/") && r.verbs.includes("list"))
    .map((r) => ({
      group,
      version,
      kind: r.kind,
      plural: r.name,
      namespaced: r.namespaced,
      ...(r.shortNames === undefined ? {} : { shortNames: r.shortNames }),
    }));
}

function parseVersionPart(part: string): number {
  // Providers report minors like "27+".
  const n = Number.parseInt(part, 10);
  return Number.isNaN(n) ? 0 : n;
}
