import {
  ApiException,
  ApisApi,
  CoreV1Api,
  HttpMethod,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  type Configuration,
  type KubeConfig,
  type KubernetesObject,
  type RequestContext,
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
   * A GET answered as plain JSON. The generated read/list deserialise into client-node's
   * typed models, which drop fields the models do not know (a field newer than the library
   * would silently vanish from a backup) and turn timestamps into Dates.
   */
  async getJson(path: string, query: Readonly<Record<string, string>> = {}): Promise<unknown> {
    const context = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    context.setHeaderParam("Accept", "application/json");
    for (const [key, value] of Object.entries(query)) context.setQueryParam(key, value);
    return this.send(context);
  }

  /** Authenticates, sends and parses the JSON answer; non-2xx answers are ApiExceptions. */
  private async send(context: RequestContext): Promise<unknown> {
    await this.configuration.authMethods.default?.applySecurityAuthentication(context);
    const response = await this.configuration.httpApi.send(context).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new ApiException(response.httpStatusCode, "Unsuccessful HTTP Request", text, response.headers);
    }
    return JSON.parse(text) as unknown;
  }

  /** The path of an object, resolved through (cached) discovery like the generated read. */
  objectPath(ref: KubernetesObject): Promise<string> {
    return this.specUriPath(ref, "read");
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
    return (await this.send(context)) as KubernetesObject;
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
    const base = type.group === "" ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
    const scope =
      type.namespaced && options.namespace !== undefined
        ? `/namespaces/${encodeURIComponent(options.namespace)}`
        : "";
    const path = `${base}${scope}/${type.plural}`;
    const out: KubeObject[] = [];
    let continueToken: string | undefined;
    do {
      const query: Record<string, string> = { limit: String(PAGE_SIZE) };
      if (continueToken !== undefined) query["continue"] = continueToken;
      if (options.labelSelector !== undefined) query["labelSelector"] = options.labelSelector;
      if (options.fieldSelector !== undefined) query["fieldSelector"] = options.fieldSelector;
      const page = (await this.call(`list ${type.plural}`, () => this.objects.getJson(path, query))) as {
        items?: Record<string, unknown>[];
        metadata?: { continue?: string };
      };
      for (const item of page.items ?? []) {
        // List items carry no apiVersion/kind; the list's type does.
        out.push({ ...item, apiVersion, kind: type.kind } as KubeObject);
      }
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken !== undefined);
    return out;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return (await this.objects.getJson(await this.objects.objectPath(header(ref)))) as KubeObject;
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
