import {
  ApisApi,
  CoreV1Api,
  HttpMethod,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  type Configuration,
  type KubeConfig,
  type KubernetesObject,
  type V1APIResourceList,
} from "@kubernetes/client-node";
import type { KubeObject, ObjectRef, ResourceType } from "../engine/kube-object.js";
import type { ClusterClient, ListOptions, ServerVersion } from "./port.js";
import { wrapClusterError } from "./errors.js";
import { keepAliveConfiguration } from "./keep-alive.js";

/** KubernetesObjectApi with discovery of a whole group version, which it only does per kind. */
class DiscoveringObjectApi extends KubernetesObjectApi {
  static forConfig(kubeConfig: KubeConfig, configuration: Configuration): DiscoveringObjectApi {
    const client = new DiscoveringObjectApi(configuration);
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

  /**
   * A write with the object sent as plain JSON and the answer left untyped. The generated
   * create/patch run every object through the typed model serializer both ways, which cost
   * more CPU than the request itself in a 4,000-object restore, and drop fields the models
   * do not know.
   */
  async write(
    object: KubernetesObject,
    action: "create" | "patch",
    contentType: string,
    query: Readonly<Record<string, string>>,
  ): Promise<KubernetesObject> {
    const path = await this.specUriPath(object, action);
    const method = action === "create" ? HttpMethod.POST : HttpMethod.PATCH;
    const context = this.configuration.baseServer.makeRequestContext(path, method);
    context.setHeaderParam("Accept", "application/json");
    context.setHeaderParam("Content-Type", contentType);
    for (const [key, value] of Object.entries(query)) context.setQueryParam(key, value);
    context.setBody(JSON.stringify(object));
    return this.requestPromise(context, "any");
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
    const configuration = keepAliveConfiguration(kubeConfig);
    this.objects = DiscoveringObjectApi.forConfig(kubeConfig, configuration);
    this.core = new CoreV1Api(configuration);
    this.apis = new ApisApi(configuration);
    this.versionApi = new VersionApi(configuration);
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
      this.objects.write(object as KubernetesObject, "create", "application/json", {
        fieldManager: FIELD_MANAGER,
      }),
    )) as KubeObject;
  }

  async replace(object: KubeObject): Promise<KubeObject> {
    return (await this.call(`replace ${describe(object)}`, () =>
      this.objects.replace(object as KubernetesObject, undefined, undefined, FIELD_MANAGER),
    )) as KubeObject;
  }

  async apply(object: KubeObject): Promise<KubeObject> {
    return (await this.call(`apply ${describe(object)}`, () =>
      this.objects.write(object as KubernetesObject, "patch", PatchStrategy.ServerSideApply, {
        fieldManager: FIELD_MANAGER,
        force: "true",
      }),
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
