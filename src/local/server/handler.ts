import type { IncomingMessage, ServerResponse } from "node:http";
import type { KubeObject } from "../api.js";
import { ApiError, methodNotAllowed, successStatus } from "../errors.js";
import type { Faults } from "../faults.js";
import { faultStatus } from "../faults.js";
import { localPaths } from "../paths.js";
import { apiVersionOf } from "../resources/types.js";
import type { ClusterStore } from "../store/cluster-store.js";
import type { WriteOptions } from "../store/store-types.js";
import { deleteOptions } from "./delete-options.js";
import { coreVersions, groupList, groupOf, resourceList } from "./discovery.js";
import { serveList } from "./list.js";
import { serveLog } from "./logs.js";
import { nonResourceHandler } from "./non-resource.js";
import { clean, defaultManager, includeOf, PATCH_TYPES, unsupportedMediaType } from "./query.js";
import { parseBody, readBody, readObject } from "./request-body.js";
import { sendError, sendJson, sendText } from "./respond.js";
import { parseRoute, type ResourceRoute } from "./route.js";
import { readScale, writeScale } from "./scale.js";
import { toTable, wantsTable } from "./table.js";
import { verbOf } from "./verb.js";
import { serveWatch } from "./watch.js";

/** What the HTTP handler of one cluster needs. */
export interface HandlerOptions {
  store: ClusterStore;
  /** The cluster's data directory (pod logs live below it). */
  dataDir: string;
  faults: Faults;
}

/** The request handler of one cluster's API server. */
export function createHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { store, faults } = options;
  const handleOther = nonResourceHandler(store, faults);

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
      return serveList(res, { store, def, namespace: ns, query: q, accept: req.headers.accept });
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
