import { createHash } from "node:crypto";
import type { OpenApiSchema } from "../schema/models.js";
import type { ClusterStore } from "../store/cluster-store.js";

const QUERY = (name: string, description: string): unknown => ({
  name,
  in: "query",
  description,
  schema: { type: "string", uniqueItems: true },
});

const PATCH_PARAMS = [
  QUERY("dryRun", "When present, indicates that modifications should not be persisted."),
  QUERY(
    "fieldManager",
    "fieldManager is a name associated with the actor or entity that is making these changes.",
  ),
  QUERY(
    "fieldValidation",
    "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.",
  ),
  {
    name: "force",
    in: "query",
    description: 'Force is going to "force" Apply requests.',
    schema: { type: "boolean", uniqueItems: true },
  },
];

/** The path of a group/version in `/openapi/v3` (`api/v1`, `apis/apps/v1`). */
export const gvPath = (group: string, version: string): string =>
  group === "" ? `api/${version}` : `apis/${group}/${version}`;

/**
 * The OpenAPI v3 document of one group/version: paths with the GVK extensions kubectl looks
 * for (it checks `fieldValidation` on PATCH to decide on server-side validation) and the
 * kinds' schemas (for `kubectl explain`). Strategic merge is left out of the PATCH media
 * types, so client-side apply computes its patches from kubectl's compiled-in types.
 */
export function groupVersionDocument(store: ClusterStore, group: string, version: string): unknown {
  const defs = store.registry.resourcesOf(group, version);
  if (defs.length === 0) return undefined;
  const schemas: Record<string, OpenApiSchema> = {};
  const paths: Record<string, unknown> = {};
  for (const def of defs) {
    const schema = store.schemaOf(def);
    const gvk = { group, version, kind: def.kind };
    const schemaName = def.model ?? `${def.group}.${def.version}.${def.kind}`;
    if (schema !== undefined) {
      for (const [name, s] of Object.entries(schema.defs)) schemas[name] ??= s;
      schemas[schemaName] = { ...schema.root, "x-kubernetes-group-version-kind": [gvk] };
    }
    const ref = { $ref: `#/components/schemas/${schemaName}` };
    const body = (types: string[]): unknown => ({
      content: Object.fromEntries(types.map((t) => [t, { schema: ref }])),
      required: true,
    });
    const ok = {
      responses: { "200": { description: "OK", content: { "application/json": { schema: ref } } } },
    };
    const op = (action: string, extra: Record<string, unknown> = {}): unknown => ({
      operationId: `${action}${def.kind}`,
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk,
      ...ok,
      ...extra,
    });
    const base = `/${gvPath(group, version)}${def.namespaced ? "/namespaces/{namespace}" : ""}/${def.resource}`;
    paths[base] = {
      get: op("list"),
      post: op("post", { requestBody: body(["application/json"]), parameters: PATCH_PARAMS }),
    };
    paths[`${base}/{name}`] = {
      get: op("get"),
      put: op("put", { requestBody: body(["application/json"]), parameters: PATCH_PARAMS }),
      patch: op("patch", {
        requestBody: body([
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/apply-patch+yaml",
        ]),
        parameters: PATCH_PARAMS,
      }),
      delete: op("delete"),
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0" },
    paths,
    components: { schemas },
  };
}

/** `/openapi/v3`: where each group/version's document is, with a content hash. */
export function openApiIndex(
  store: ClusterStore,
  hashOf: (group: string, version: string) => string,
): unknown {
  const paths: Record<string, unknown> = {};
  for (const g of store.registry.groups()) {
    for (const v of g.versions) {
      const path = gvPath(g.name, v);
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(g.name, v)}` };
    }
  }
  return { paths };
}

/** A stable hash of a document's JSON. */
export const documentHash = (json: string): string =>
  createHash("sha512").update(json).digest("hex").slice(0, 128).toUpperCase();

/** The def for a GV path, used to route `/openapi/v3/<path>`. */
export function parseGvPath(path: string): { group: string; version: string } | undefined {
  const parts = path.split("/").filter((p) => p !== "");
  if (parts[0] === "api" && parts.length === 2) return { group: "", version: parts[1] ?? "" };
  if (parts[0] === "apis" && parts.length === 3) return { group: parts[1] ?? "", version: parts[2] ?? "" };
  return undefined;
}
