/**
 * The export executor: reads the application from the source cluster. Discovery once, then
 * one paginated list per (namespace, namespaced type) with bounded parallelism; the pure
 * rules (`shouldExport`, `sanitizeForExport`, `requiredCrds`, `requiredClusterRbac`) decide
 * what goes into the backup.
 */
import pLimit from "p-limit";
import type { ClusterClient } from "../../cluster/port.js";
import { FerryError } from "../../core/errors.js";
import type { ProgressSink } from "../../core/progress.js";
import type { MigrationSpec } from "../../manifests/types.js";
import { isRecord, type KubeObject, type ResourceType } from "../kube-object.js";
import { kindAllowed } from "../export/kind-filter.js";
import { sanitizeForExport } from "../export/sanitize.js";
import { shouldExport, type ExportContext } from "../export/should-export.js";
import { skipReason } from "../export/skip-rules.js";
import { indexCrds, requiredCrds } from "../export/required-crds.js";
import { requiredClusterRbac } from "../export/required-cluster-rbac.js";
import { apiVersionOf, indexTypes, type TypeIndex } from "./type-index.js";

export interface ExportInput {
  readonly source: ClusterClient;
  readonly spec: Pick<MigrationSpec, "namespaces" | "resourceFilter">;
  /** Concurrent list requests (default 8). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressSink;
}

export interface ExportResult {
  /** Sanitised objects: namespaces, namespaced objects, then the CRDs and cluster RBAC they need. */
  readonly objects: KubeObject[];
  /** The source's CRDs by `Kind.group`, for the API-resource pre-check and CRD live fixes. */
  readonly sourceCrds: Map<string, KubeObject>;
  readonly sourceVersion: string;
  readonly sourceTypes: TypeIndex;
}

const CRD_TYPE = { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" };

/** Exports the selected namespaces of `source`. */
export async function exportResources(input: ExportInput): Promise<ExportResult> {
  const { source, spec } = input;
  const [version, discovered] = await Promise.all([source.serverVersion(), source.discover()]);
  const types = indexTypes(discovered);
  const context: ExportContext = {
    namespaces: spec.namespaces,
    ...(spec.resourceFilter === undefined ? {} : { resourceFilter: spec.resourceFilter }),
    kindInfo: types.kindInfo,
  };
  const wanted = discovered.filter((t) => t.namespaced && listWorthwhile(t, context));
  const limit = pLimit(input.concurrency ?? 8);
  const total = spec.namespaces.length * wanted.length;
  let done = 0;
  input.onProgress?.({ task: "export", done, total, message: "listing the source" });

  const namespaces = await Promise.all(
    spec.namespaces.map((name) =>
      limit(async () => {
        const ns = await source.get({ apiVersion: "v1", kind: "Namespace", name });
        if (ns === undefined) {
          throw new FerryError("NotFound", `namespace ${name} does not exist on ${source.name}`, {
            data: { cluster: source.name, namespace: name },
          });
        }
        return ns;
      }),
    ),
  );
  const lists = await Promise.all(
    spec.namespaces.flatMap((namespace) =>
      wanted.map((type) =>
        limit(async () => {
          if (input.signal?.aborted === true) throw new FerryError("Aborted", "export aborted");
          const items = await source.list(type, { namespace });
          done += 1;
          input.onProgress?.({ task: "export", done, total });
          return items;
        }),
      ),
    ),
  );
  const listed = lists.flat();
  const servicesWithSelector = new Set(
    listed
      .filter((o) => o.kind === "Service" && o.apiVersion === "v1" && hasSelector(o))
      .map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`),
  );
  const fullContext: ExportContext = { ...context, servicesWithSelector };
  const namespaced = [...namespaces, ...listed]
    .filter((o) => shouldExport(o, fullContext).export)
    .map(sanitizeForExport);

  const [crds, clusterRbac] = await Promise.all([
    listOptional(source, types, "apiextensions.k8s.io", "CustomResourceDefinition"),
    clusterRbacFor(source, types, namespaced),
  ]);
  const sourceCrds = indexCrds(crds);
  const includeCrds = kindAllowed(
    types.kindInfo.get(`${CRD_TYPE.group}/${CRD_TYPE.kind}`) ?? CRD_TYPE,
    spec.resourceFilter,
  );
  const dependencies = [...(includeCrds ? requiredCrds(namespaced, sourceCrds) : []), ...clusterRbac].map(
    sanitizeForExport,
  );
  return {
    objects: [...namespaced, ...dependencies],
    sourceCrds,
    sourceVersion: version.gitVersion,
    sourceTypes: types,
  };
}

/**
 * False for types the filters or skip rules exclude whatever the object (events, leases,
 * a kind the Migration leaves out), so they are never listed. A probe object without a name
 * trips only the type-level rules.
 */
function listWorthwhile(type: ResourceType, context: ExportContext): boolean {
  const info = context.kindInfo?.get(`${type.group}/${type.kind}`) ?? { group: type.group, kind: type.kind };
  if (!kindAllowed(info, context.resourceFilter)) return false;
  const probe: KubeObject = {
    apiVersion: apiVersionOf(type),
    kind: type.kind,
    metadata: { name: "", namespace: "" },
  };
  return skipReason(probe, { servicesWithSelector: new Set() }) === undefined;
}

function hasSelector(service: KubeObject): boolean {
  const spec = service["spec"];
  return isRecord(spec) && isRecord(spec["selector"]) && Object.keys(spec["selector"]).length > 0;
}

async function listOptional(
  client: ClusterClient,
  types: TypeIndex,
  group: string,
  kind: string,
): Promise<KubeObject[]> {
  const type = types.types.find((t) => t.group === group && t.kind === kind);
  return type === undefined ? [] : client.list(type);
}

async function clusterRbacFor(
  source: ClusterClient,
  types: TypeIndex,
  resources: readonly KubeObject[],
): Promise<KubeObject[]> {
  const needsRbac = resources.some((o) => o.kind === "ServiceAccount" || o.kind === "RoleBinding");
  if (!needsRbac) return [];
  const [clusterRoles, clusterRoleBindings] = await Promise.all([
    listOptional(source, types, "rbac.authorization.k8s.io", "ClusterRole"),
    listOptional(source, types, "rbac.authorization.k8s.io", "ClusterRoleBinding"),
  ]);
  return requiredClusterRbac({ resources, clusterRoles, clusterRoleBindings });
}
