import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "../errors.js";
import type { Faults } from "../faults.js";
import type { ClusterStore } from "../store/cluster-store.js";
import { handleFaults } from "./faults-endpoint.js";
import { openApiV2Protobuf } from "./openapi-v2.js";
import { documentHash, groupVersionDocument, openApiIndex, parseGvPath } from "./openapi.js";
import { sendJson } from "./respond.js";

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

type NonResourceHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/**
 * The handler of paths outside the resource API: version, health, OpenAPI v2 and v3 (each
 * group-version document cached until a CRD changes), and Ferry's status and fault endpoints.
 */
export function nonResourceHandler(store: ClusterStore, faults: Faults): NonResourceHandler {
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

  return (req, res, url) => {
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
}
