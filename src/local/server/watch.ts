import type { IncomingMessage, ServerResponse } from "node:http";
import type { KubeObject, WatchEventType } from "../api.js";
import { ApiError } from "../errors.js";
import { storageKey, type ResourceDef } from "../resources/types.js";
import type { ClusterStore } from "../store/cluster-store.js";
import type { StoreEvent } from "../store/store-types.js";
import { fieldMatcher, labelMatcher } from "../store/selectors.js";
import { toTable } from "./table.js";

/**
 * Serves `?watch=true` as the real server does: a chunked stream of JSON events, one per
 * line. Without a resourceVersion (or "0") it starts with ADDED for what exists; with one it
 * replays what changed since, or sends a 410 ERROR event when that is too old. Objects that
 * start or stop matching a selector are sent as ADDED or DELETED.
 */
export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    store: ClusterStore;
    def: ResourceDef;
    namespace: string | undefined;
    query: URLSearchParams;
    table: boolean;
  },
): void {
  const { store, def, namespace, query, table } = options;
  const labels = labelMatcher(query.get("labelSelector") ?? undefined);
  const fields = fieldMatcher(query.get("fieldSelector") ?? undefined);
  const matches = (o: KubeObject | undefined): boolean =>
    o !== undefined &&
    (namespace === undefined || o.metadata.namespace === namespace) &&
    labels(o) &&
    fields(o);
  const rvParam = query.get("resourceVersion");
  const timeout = Number(query.get("timeoutSeconds") ?? "0");
  const bookmarks = query.get("allowWatchBookmarks") === "true";

  res.writeHead(200, {
    "Content-Type": "application/json",
    "Transfer-Encoding": "chunked",
    "Cache-Control": "no-cache, private",
  });
  // Clients (client-go's reflector) wait for the headers before they consider the watch open.
  res.flushHeaders();
  let headersSent = false;
  const send = (type: WatchEventType | "ERROR" | "BOOKMARK", object: unknown): void => {
    let payload = object;
    if (table && (type === "ADDED" || type === "MODIFIED" || type === "DELETED")) {
      payload = toTable({
        def,
        objects: [object as KubeObject],
        include: "Object",
        now: store.clock.now(),
        headers: !headersSent,
      });
      headersSent = true;
    }
    res.write(`${JSON.stringify({ type, object: payload })}\n`);
  };

  let unsubscribe: (() => void) | undefined;
  const finish = (): void => {
    unsubscribe?.();
    unsubscribe = undefined;
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    if (!res.writableEnded) res.end();
  };
  const timer = timeout > 0 ? setTimeout(finish, timeout * 1000) : undefined;
  const bookmarkTimer = bookmarks
    ? setInterval(
        () =>
          send("BOOKMARK", {
            kind: def.kind,
            apiVersion: `${def.group === "" ? "" : `${def.group}/`}${def.version}`,
            metadata: { resourceVersion: String(store.resourceVersion) },
          }),
        10_000,
      )
    : undefined;
  req.on("close", finish);

  const onEvent = (event: StoreEvent): void => {
    const now = matches(event.object) && !(event.type === "DELETED");
    const before = event.previous !== undefined && matches(event.previous);
    const object = store.present(def, event.object);
    if (event.type === "DELETED") {
      if (before || matches(event.object)) send("DELETED", object);
    } else if (now && before) send("MODIFIED", object);
    else if (now) send("ADDED", object);
    else if (before) send("DELETED", object);
  };

  let from: number | undefined;
  if (rvParam === null || rvParam === "" || rvParam === "0") {
    for (const o of store.list(def, namespace === undefined ? {} : { namespace }))
      if (matches(o)) send("ADDED", o);
    from = store.resourceVersion;
  } else {
    from = Number(rvParam);
    if (!Number.isFinite(from)) from = store.resourceVersion;
  }
  try {
    unsubscribe = store.subscribe(storageKey(def.group, def.resource), from, onEvent);
  } catch (e) {
    if (e instanceof ApiError) send("ERROR", e.status);
    finish();
  }
}
