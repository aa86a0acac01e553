import type { ServerResponse } from "node:http";
import type { KubeObject } from "../api.js";
import { badRequest } from "../errors.js";
import { apiVersionOf, type ResourceDef } from "../resources/types.js";
import { ClusterStore } from "../store/cluster-store.js";
import { clean, includeOf } from "./query.js";
import { sendJson, sendText } from "./respond.js";
import { toTable, wantsTable } from "./table.js";

/** What a continue token holds: the list's resourceVersion and the last key served. */
interface Continue {
  rv: number;
  after: string;
}

const keyOf = (o: KubeObject): string => ClusterStore.objectKey(o.metadata.namespace, o.metadata.name ?? "");

/** A list request: the resource, the namespace on the URL, the query and the Accept header. */
export interface ListRequest {
  store: ClusterStore;
  def: ResourceDef;
  namespace: string | undefined;
  query: URLSearchParams;
  accept: string | undefined;
}

/** Serves a list (GET on a collection): selectors, `limit` and `continue` pages, or a Table. */
export function serveList(res: ServerResponse, request: ListRequest): void {
  const { store, def, query: q, accept } = request;
  let objects = store.list(
    def,
    clean({
      namespace: request.namespace,
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
}
