import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import type { KubeObject } from "../api.js";
import { ApiError, badRequest, methodNotAllowed, successStatus } from "../errors.js";
import type { Faults } from "../faults.js";
import { faultStatus, type FailureRule } from "../faults.js";
import { localPaths } from "../paths.js";
import { apiVersionOf, type ResourceDef } from "../resources/types.js";
import { ClusterStore } from "../store/cluster-store.js";
import type { DeleteOptions, PatchType, WriteOptions } from "../store/store-types.js";
import { coreVersions, groupList, groupOf, resourceList } from "./discovery.js";
import { serveLog } from "./logs.js";
import { openApiV2Protobuf } from "./openapi-v2.js";
import { documentHash, groupVersionDocument, openApiIndex, parseGvPath } from "./openapi.js";
import { sendError, sendJson, sendText } from "./respond.js";
import { decodeProtobufObject } from "./protobuf.js";
import { parseRoute, type ResourceRoute } from "./route.js";
import { readScale, writeScale } from "./scale.js";
import { toTable, wantsTable, type IncludeObject } from "./table.js";
import { serveWatch } from "./watch.js";

/** What the HTTP handler of one cluster needs. */
export interface HandlerOptions {
  store: ClusterStore;
  /** The cluster's data directory (pod logs live below it). */
  dataDir: string;
  faults: Faults;
}

/** The version the local servers report: a Kubernetes 1.32 API. */
export const SERVER_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0-ferry-local",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-01-01T00:00:00Z",
  goVersion: "go1.23.4",
  compiler: "gc",
  platform: "linux/amd64",
};

const MAX_BODY = 8 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString("utf8");
}

/** An object body: JSON or YAML, or protobuf for the kinds `kubectl create` sends that way. */
async function readObject(req: IncomingMessage): Promise<unknown> {
  const bytes = await readBodyBytes(req);
  const type = req.headers["content-type"];
  if (type?.includes("protobuf") === true) return decodeProtobufObject(bytes);
  return parseBody(bytes.toString("utf8"), type);
}

function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new ApiError(413, "BadRequest", "the request body is too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text.trim() === "") return undefined;
  try {
    return contentType?.includes("yaml") === true ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

const PATCH_TYPES: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

/** The Kubernetes verb of a request, as faults and audit name it. */
export function verbOf(method: string, route: ResourceRoute, watch: boolean): string {
  switch (method) {
    case "GET":
      return route.name === undefined ? (watch ? "watch" : "list") : "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return route.name === undefined ? "deletecollection" : "delete";
    default:
      return method.toLowerCase();
  }
}

interface Continue {
  rv: number;
  after: string;
}

const keyOf = (o: KubeObject): string => ClusterStore.objectKey(o.metadata.namespace, o.metadata.name ?? "");

/** The request handler of one cluster's API server. */
export function createHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { store, faults } = options;
  const hashes = new Map<string, { stamp: string; json: string; hash: string }>();
  const crdDef = store.registry.resolve({
    group: "apiextensions.k8s.io",
    version: "v1",
    resource: "customresourcedefinitions",
  });

  const openApiDoc = (group: string, version: string): { json: string; hash: string } | undefined => {
    const key = `${group}/${version}`;
    const cached = hashes.get(key);
    // Documents only change with CRDs, so their resourceVersions stamp the cache.
    const stamp = store
      .list(crdDef)
      .map((c) => c.metadata.resourceVersion)
      .join(",");
    if (cached !== undefined && cached.stamp === stamp) return cached;
    const doc = groupVersionDocument(store, group, version);
    if (doc === undefined) return undefined;
    const json = JSON.stringify(doc);
    const entry = { stamp, json, hash: documentHash(json) };
    hashes.set(key, entry);
    return entry;
  };

  const handleOther = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const path = url.pathname;
    if (path === "/version" || path === "/version/") return sendJson(res, 200, SERVER_VERSION);
    if (["/healthz", "/readyz", "/livez"].includes(path)) {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    if (path === "/openapi/v2") {
      const body = openApiV2Protobuf(store.registry);
      res.writeHead(200, {
        "Content-Type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
        "Content-Length": String(body.length),
      });
      res.end(body);
      return;
    }
    if (path === "/openapi/v3") {
      return sendJson(
        res,
        200,
        openApiIndex(store, (g, v) => openApiDoc(g, v)?.hash ?? ""),
      );
    }
    if (path.startsWith("/openapi/v3/")) {
      const gv = parseGvPath(path.slice("/openapi/v3/".length));
      const doc = gv === undefined ? undefined : openApiDoc(gv.group, gv.version);
      if (doc === undefined)
        throw new ApiError(404, "NotFound", "the server could not find the requested resource");
      res.writeHead(200, {
        "Content-Type": "application/json",
        "Content-Length": String(Buffer.byteLength(doc.json)),
        Etag: `"${doc.hash}"`,
        "Cache-Control": url.searchParams.has("hash") ? "public, immutable" : "no-cache, private",
      });
      res.end(doc.json);
      return;
    }
    if (path === "/_ferry/status") {
      return sendJson(res, 200, {
        cluster: store.clusterName,
        objects: store.count(),
        resourceVersion: String(store.resourceVersion),
      });
    }
    if (path === "/_ferry/faults") {
      void handleFaults(req, res, faults);
      return;
    }
    throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  };

  const handleResource = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: ResourceRoute,
  ): Promise<void> => {
    const q = url.searchParams;
    const method = req.method ?? "GET";
    const def = store.registry.find(route.group, route.version, route.resource);
    if (def === undefined)
      throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    if (!def.namespaced && route.namespace !== undefined)
      throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    const watch = q.get("watch") === "true" || q.get("watch") === "1";
    const verb = verbOf(method, route, watch);
    const rule = faults.take(verb, route.resource);
    if (rule !== undefined) {
      const { code, body } = faultStatus(rule);
      sendJson(res, code, body);
      return;
    }
    const sub = route.subresource;
    if (sub !== undefined) {
      const allowed =
        sub === "status"
          ? def.status
          : sub === "scale"
            ? def.scale !== undefined
            : (def.extraSubresources ?? []).includes(sub);
      if (!allowed) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    }
    const ns = def.namespaced ? route.namespace : undefined;
    const warnings: string[] = [];
    const writeOptions = (): WriteOptions => {
      const dryRun = q.getAll("dryRun").includes("All");
      const fieldManager = q.get("fieldManager") ?? defaultManager(req.headers["user-agent"]);
      const validation = q.get("fieldValidation");
      return {
        ...(dryRun ? { dryRun } : {}),
        ...(fieldManager === undefined ? {} : { fieldManager }),
        ...(validation === "Strict" || validation === "Warn" || validation === "Ignore"
          ? { fieldValidation: validation }
          : {}),
        warnings,
        ...(sub === "status" ? { subresource: "status" as const } : {}),
      };
    };

    if (method === "GET" && route.name === undefined) {
      if (watch) {
        serveWatch(req, res, { store, def, namespace: ns, query: q, table: wantsTable(req.headers.accept) });
        return;
      }
      return list(res, def, ns, q, req.headers.accept);
    }
    if (route.name === undefined) {
      if (method === "POST") {
        const body = await readObject(req);
        const created = store.create(def, ns, body, writeOptions());
        return sendText(res, 201, store.json(created), warnings);
      }
      if (method === "DELETE") {
        const selectorQuery = {
          namespace: ns,
          labelSelector: q.get("labelSelector") ?? undefined,
          fieldSelector: q.get("fieldSelector") ?? undefined,
        };
        const opts = deleteOptions(q, parseBody(await readBody(req), req.headers["content-type"]));
        const deleted: KubeObject[] = [];
        for (const o of store.list(def, clean(selectorQuery)))
          deleted.push(store.delete(def, o.metadata.namespace, o.metadata.name ?? "", opts).object);
        return sendJson(res, 200, {
          kind: def.listKind,
          apiVersion: apiVersionOf(def.group, def.version),
          metadata: { resourceVersion: String(store.resourceVersion) },
          items: deleted,
        });
      }
      throw methodNotAllowed();
    }
    const name = route.name;
    if (sub === "log") {
      if (method !== "GET") throw methodNotAllowed();
      store.get(def, ns, name);
      const tail = q.get("tailLines");
      await serveLog(req, res, {
        file: localPaths.podLog(options.dataDir, ns ?? "default", name),
        follow: q.get("follow") === "true",
        tailLines: tail === null ? undefined : Number(tail),
        pod: () => store.peek(def, ns, name),
      });
      return;
    }
    if (sub === "scale") {
      if (method === "GET") return sendJson(res, 200, readScale(def, store.get(def, ns, name)));
      if (method === "PUT" || method === "PATCH") {
        const text = await readBody(req);
        const type =
          method === "PUT" ? undefined : PATCH_TYPES[(req.headers["content-type"] ?? "").split(";")[0] ?? ""];
        if (method === "PATCH" && type === undefined) throw unsupportedMediaType();
        return sendJson(
          res,
          200,
          writeScale({ store, def, namespace: ns, name, text, patchType: type, options: writeOptions() }),
          warnings,
        );
      }
      throw methodNotAllowed();
    }
    switch (method) {
      case "GET": {
        const object = store.get(def, ns, name);
        if (wantsTable(req.headers.accept)) {
          return sendJson(
            res,
            200,
            toTable({
              def,
              objects: [object],
              include: includeOf(q),
              now: store.clock.now(),
              listMeta: { resourceVersion: object.metadata.resourceVersion },
            }),
          );
        }
        return sendText(res, 200, store.json(object));
      }
      case "PUT": {
        const body = await readObject(req);
        return sendJson(res, 200, store.update(def, ns, name, body, writeOptions()), warnings);
      }
      case "PATCH": {
        const type = PATCH_TYPES[(req.headers["content-type"] ?? "").split(";")[0]?.trim() ?? ""];
        if (type === undefined) throw unsupportedMediaType();
        const text = await readBody(req);
        const { object, created } = store.patch(def, ns, name, type, text, {
          ...writeOptions(),
          force: q.get("force") === "true",
        });
        return sendJson(res, created ? 201 : 200, object, warnings);
      }
      case "DELETE": {
        const opts = deleteOptions(q, parseBody(await readBody(req), req.headers["content-type"]));
        const { object, deleted } = store.delete(def, ns, name, opts);
        if (deleted && !def.returnDeletedObject) {
          return sendJson(
            res,
            200,
            successStatus({
              name,
              ...(def.group === "" ? {} : { group: def.group }),
              kind: def.resource,
              uid: object.metadata.uid ?? "",
            }),
          );
        }
        return sendJson(res, 200, object);
      }
      default:
        throw methodNotAllowed();
    }
  };

  const list = (
    res: ServerResponse,
    def: ResourceDef,
    ns: string | undefined,
    q: URLSearchParams,
    accept: string | undefined,
  ): void => {
    let objects = store.list(
      def,
      clean({
        namespace: ns,
        labelSelector: q.get("labelSelector") ?? undefined,
        fieldSelector: q.get("fieldSelector") ?? undefined,
      }),
    );
    const limit = Number(q.get("limit") ?? "0");
    const token = q.get("continue");
    let listRv = store.resourceVersion;
    if (token !== null && token !== "") {
      let cont: Continue;
      try {
        cont = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as Continue;
      } catch {
        throw badRequest("continue key is not valid: illegal base64 data");
      }
      listRv = cont.rv;
      objects = objects.filter((o) => keyOf(o) > cont.after);
    }
    const meta: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (limit > 0 && objects.length > limit) {
      const remaining = objects.length - limit;
      objects = objects.slice(0, limit);
      const last = objects[objects.length - 1];
      meta["continue"] = Buffer.from(
        JSON.stringify({ rv: listRv, after: last === undefined ? "" : keyOf(last) }),
      ).toString("base64");
      meta["remainingItemCount"] = remaining;
    }
    if (wantsTable(accept)) {
      sendJson(
        res,
        200,
        toTable({ def, objects, include: includeOf(q), now: store.clock.now(), listMeta: meta }),
      );
      return;
    }
    // Items are joined from each object's cached JSON: a 10,000-object list is not re-serialised.
    const head = JSON.stringify({
      kind: def.listKind,
      apiVersion: apiVersionOf(def.group, def.version),
      metadata: meta,
    });
    sendText(res, 200, `${head.slice(0, -1)},"items":[${objects.map((o) => store.json(o)).join(",")}]}`);
  };

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const run = async (): Promise<void> => {
      if (faults.latencyMs > 0 && !url.pathname.startsWith("/_ferry/"))
        await new Promise((r) => setTimeout(r, faults.latencyMs));
      const route = parseRoute(url.pathname);
      switch (route.kind) {
        case "coreVersions":
          return sendJson(res, 200, coreVersions());
        case "groups":
          return sendJson(res, 200, groupList(store.registry));
        case "group": {
          const g = groupOf(store.registry, route.group);
          if (g === undefined)
            throw new ApiError(404, "NotFound", "the server could not find the requested resource");
          return sendJson(res, 200, g);
        }
        case "groupVersion": {
          const list = resourceList(store.registry, route.group, route.version);
          if (list === undefined)
            throw new ApiError(404, "NotFound", "the server could not find the requested resource");
          return sendJson(res, 200, list);
        }
        case "resource":
          return handleResource(req, res, url, route.route);
        case "other":
          return handleOther(req, res, url);
      }
    };
    run().catch((e: unknown) => sendError(res, e));
  };
}

const unsupportedMediaType = (): ApiError =>
  new ApiError(
    415,
    "UnsupportedMediaType",
    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json",
  );

function includeOf(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

function defaultManager(userAgent: string | undefined): string | undefined {
  if (userAgent === undefined || userAgent === "") return undefined;
  return userAgent.split("/")[0]?.slice(0, 128);
}

function clean<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

function deleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const b = (typeof body === "object" && body !== null ? body : {}) as {
    propagationPolicy?: string;
    orphanDependents?: boolean;
    preconditions?: { uid?: string; resourceVersion?: string };
    dryRun?: string[];
  };
  let policy = q.get("propagationPolicy") ?? b.propagationPolicy;
  if (policy === undefined && (q.get("orphanDependents") === "true" || b.orphanDependents === true))
    policy = "Orphan";
  if (policy !== undefined && !["Foreground", "Background", "Orphan"].includes(policy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const dryRun = q.getAll("dryRun").includes("All") || (b.dryRun ?? []).includes("All");
  return {
    ...(policy === undefined ? {} : { propagationPolicy: policy as "Foreground" | "Background" | "Orphan" }),
    ...(b.preconditions === undefined ? {} : { preconditions: b.preconditions }),
    ...(dryRun ? { dryRun } : {}),
  };
}

async function handleFaults(req: IncomingMessage, res: ServerResponse, faults: Faults): Promise<void> {
  try {
    if (req.method === "POST") {
      const body = JSON.parse((await readBody(req)) || "{}") as {
        latencyMs?: number;
        fail?: FailureRule;
        clear?: boolean;
      };
      if (body.clear === true) faults.clear();
      if (typeof body.latencyMs === "number") faults.setLatency(body.latencyMs);
      if (body.fail !== undefined) faults.failNext(body.fail);
    } else if (req.method !== "GET") throw methodNotAllowed();
    sendJson(res, 200, faults.describe());
  } catch (e) {
    sendError(res, e instanceof SyntaxError ? badRequest(e.message) : e);
  }
}
