import type { KubeObject } from "../api.js";
import { asObj } from "../plain-object.js";
import { ApiError } from "../errors.js";
import type { ResourceDef } from "../resources/types.js";
import { text } from "../text.js";
import type { ClusterStore } from "./cluster-store.js";
import { parseQuantity } from "./quantity.js";

/** The storage a claim requests, in bytes (0 when it names none). */
const storageOf = (o: KubeObject): number =>
  parseQuantity(asObj(asObj(asObj(o["spec"])["resources"])["requests"])["storage"]) ?? 0;

/** What quota admission reads from the store. */
type QuotaStore = Pick<ClusterStore, "registry" | "list">;

/** A write quota admission judges: the object and, for an update, what it replaces. */
export interface QuotaChange {
  def: ResourceDef;
  object: KubeObject;
  previous: KubeObject | undefined;
}

/**
 * ResourceQuota admission: a create (or a PVC resize) that would exceed a quota's `hard`
 * limit in its namespace is 403 Forbidden, with the real server's message.
 */
export function checkQuota(store: QuotaStore, change: QuotaChange): void {
  const { def, object, previous } = change;
  const ns = object.metadata.namespace;
  if (ns === undefined || !def.namespaced) return;
  const quotaDef = store.registry.find("", "v1", "resourcequotas");
  if (quotaDef === undefined) return;
  const quotas = store.list(quotaDef, { namespace: ns });
  if (quotas.length === 0) return;
  const isPvc = def.group === "" && def.resource === "persistentvolumeclaims";
  if (previous !== undefined && !isPvc) return;
  const classOf = (o: KubeObject): string => text(asObj(o["spec"])["storageClassName"]);
  const requested: Record<string, number> = {};
  const countKeys = [`count/${def.resource}${def.group === "" ? "" : `.${def.group}`}`];
  if (
    def.group === "" &&
    [
      "pods",
      "services",
      "configmaps",
      "secrets",
      "persistentvolumeclaims",
      "replicationcontrollers",
      "resourcequotas",
    ].includes(def.resource)
  ) {
    countKeys.push(def.resource);
  }
  if (previous === undefined) for (const k of countKeys) requested[k] = 1;
  if (isPvc) {
    const delta = storageOf(object) - (previous === undefined ? 0 : storageOf(previous));
    if (delta <= 0 && previous !== undefined) return;
    requested["requests.storage"] = delta;
    requested[`${classOf(object)}.storageclass.storage.k8s.io/requests.storage`] = delta;
    if (previous === undefined)
      requested[`${classOf(object)}.storageclass.storage.k8s.io/persistentvolumeclaims`] = 1;
  }
  for (const quota of quotas) {
    const hard = asObj(asObj(quota["spec"])["hard"]);
    for (const [resource, amount] of Object.entries(requested)) {
      const limit = parseQuantity(hard[resource]);
      if (limit === undefined) continue;
      // On a resize the claim itself counts with its old size; the delta is what is requested.
      const used =
        usage(store, { def, ns, resource, exclude: object }) +
        (previous !== undefined && resource.endsWith("requests.storage") ? storageOf(previous) : 0);
      if (used + amount > limit) {
        const fmt = (n: number): string => (resource.endsWith("storage") ? formatBytes(n) : String(n));
        throw new ApiError(
          403,
          "Forbidden",
          `${def.resource} "${object.metadata.name ?? ""}" is forbidden: exceeded quota: ${quota.metadata.name ?? ""}, requested: ${resource}=${fmt(amount)}, used: ${resource}=${fmt(used)}, limited: ${resource}=${fmt(limit)}`,
          { name: object.metadata.name ?? "", kind: def.resource },
        );
      }
    }
  }
}

function usage(
  store: QuotaStore,
  query: { def: ResourceDef; ns: string; resource: string; exclude: KubeObject },
): number {
  const { def, ns, resource, exclude } = query;
  const objects = store.list(def, { namespace: ns }).filter((o) => o.metadata.uid !== exclude.metadata.uid);
  if (resource.startsWith("count/") || !resource.includes(".")) {
    if (resource !== "requests.storage") return objects.length;
  }
  const className = resource.includes(".storageclass.storage.k8s.io/")
    ? resource.split(".storageclass.storage.k8s.io/")[0]
    : undefined;
  const inClass = objects.filter(
    (o) => className === undefined || text(asObj(o["spec"])["storageClassName"]) === className,
  );
  if (resource.endsWith("/persistentvolumeclaims")) return inClass.length;
  return inClass.reduce((sum, o) => sum + storageOf(o), 0);
}

function formatBytes(n: number): string {
  for (const [suffix, size] of [
    ["Ti", 2 ** 40],
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size}${suffix}`;
  }
  return String(n);
}
