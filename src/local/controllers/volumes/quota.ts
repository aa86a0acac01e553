import type { GroupVersionResource, KubeObject, LocalApi } from "../../api.js";
import { defineController, type Runtime } from "../runtime/controller.js";
import { formatQuantity } from "../runtime/format-quantity.js";
import { R } from "../runtime/gvr.js";
import { field, isDeleting } from "../runtime/objects.js";
import { parseQuantity } from "../runtime/quantity.js";
import { writeStatusIfChanged } from "../workloads/write-status.js";

/** What a namespace holds, as the quota controller counts it. */
export interface NamespaceUsage {
  readonly pvcs: readonly KubeObject[];
  readonly pods: readonly KubeObject[];
  /** Object counts by quota name (`services`, `count/deployments.apps`, …). */
  readonly counts: Readonly<Record<string, number>>;
}

const CLASS_KEY = /^(.+)\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/;

const storageOf = (pvc: KubeObject): number =>
  parseQuantity(field<string>(pvc, "spec", "resources", "requests", "storage")) ?? 0;

const podTotal = (pods: readonly KubeObject[], kind: "requests" | "limits", resource: string): number =>
  pods
    .filter((p) => !["Succeeded", "Failed"].includes(field<string>(p, "status", "phase") ?? ""))
    .flatMap(
      (p) => field<{ resources?: Record<string, Record<string, string>> }[]>(p, "spec", "containers") ?? [],
    )
    .reduce((n, c) => n + (parseQuantity(c.resources?.[kind]?.[resource]) ?? 0), 0);

/**
 * Pure: `status.used` for each resource a quota's `hard` names, as kube-controller-manager's
 * quota controller computes it (claims and their storage, per StorageClass too; pods'
 * cpu/memory requests and limits; object counts). Resources it cannot count are left out.
 */
export function quotaUsed(
  hard: Readonly<Record<string, string>>,
  usage: NamespaceUsage,
): Record<string, string> {
  const used: Record<string, string> = {};
  for (const resource of Object.keys(hard)) {
    const perClass = CLASS_KEY.exec(resource);
    let value: number | undefined;
    if (perClass !== null) {
      const claims = usage.pvcs.filter((p) => field<string>(p, "spec", "storageClassName") === perClass[1]);
      value =
        perClass[2] === "persistentvolumeclaims"
          ? claims.length
          : claims.reduce((n, p) => n + storageOf(p), 0);
    } else if (resource === "requests.storage") {
      value = usage.pvcs.reduce((n, p) => n + storageOf(p), 0);
    } else if (resource === "persistentvolumeclaims" || resource === "count/persistentvolumeclaims") {
      value = usage.pvcs.length;
    } else if (resource === "pods" || resource === "count/pods") {
      value = usage.pods.filter(
        (p) => !["Succeeded", "Failed"].includes(field<string>(p, "status", "phase") ?? ""),
      ).length;
    } else if (
      /^(requests|limits)\.(cpu|memory)$/.test(resource) ||
      resource === "cpu" ||
      resource === "memory"
    ) {
      const [kind, what] = resource.includes(".") ? resource.split(".") : ["requests", resource];
      value = podTotal(usage.pods, kind as "requests" | "limits", what ?? "");
    } else {
      value = usage.counts[resource];
    }
    if (value !== undefined) used[resource] = formatQuantity(value);
  }
  return used;
}

/** Object counts a quota may name, and where to list them. */
const COUNTED: readonly [string[], GroupVersionResource][] = [
  [["services", "count/services"], { group: "", version: "v1", resource: "services" }],
  [["configmaps", "count/configmaps"], R.configMaps],
  [["secrets", "count/secrets"], R.secrets],
  [["resourcequotas", "count/resourcequotas"], R.resourceQuotas],
  [["count/deployments.apps"], R.deployments],
  [["count/statefulsets.apps"], R.statefulSets],
  [["count/replicasets.apps"], R.replicaSets],
  [["count/jobs.batch"], R.jobs],
  [["count/cronjobs.batch"], R.cronJobs],
  [["count/volumesnapshots.snapshot.storage.k8s.io"], R.volumeSnapshots],
];

function usageOf(api: LocalApi, namespace: string, hard: Record<string, string>): NamespaceUsage {
  const counts: Record<string, number> = {};
  for (const [names, gvr] of COUNTED) {
    if (!names.some((n) => n in hard)) continue;
    const n = api.list(gvr, { namespace }).filter((o) => !isDeleting(o)).length;
    for (const name of names) counts[name] = n;
  }
  return {
    pvcs: api.list(R.pvcs, { namespace }).filter((o) => !isDeleting(o)),
    pods: api.list(R.pods, { namespace }).filter((o) => !isDeleting(o)),
    counts,
  };
}

/**
 * Keeps every ResourceQuota's `status.hard` and `status.used` current, so `kubectl describe
 * quota` shows usage. Admission against the quota is the store's (src/local/store/gc.ts).
 */
export const quotaStatus = defineController("resourcequota", (rt) => {
  const namespaceKey = (e: { object: KubeObject }): string[] => [e.object.metadata.namespace ?? ""];
  return {
    watches: [R.resourceQuotas, R.pvcs, R.pods, ...COUNTED.map(([, gvr]) => gvr)].map((gvr) => ({
      gvr,
      keys: namespaceKey,
    })),
    initialKeys: () => [...new Set(rt.ctx.api.list(R.resourceQuotas).map((q) => q.metadata.namespace ?? ""))],
    reconcile: (namespace) => {
      reconcileNamespace(rt, namespace);
      return Promise.resolve();
    },
  };
});

function reconcileNamespace(rt: Runtime, namespace: string): void {
  const { api } = rt.ctx;
  for (const quota of api.list(R.resourceQuotas, { namespace })) {
    const hard = field<Record<string, string>>(quota, "spec", "hard") ?? {};
    const used = quotaUsed(hard, usageOf(api, namespace, hard));
    writeStatusIfChanged(api, R.resourceQuotas, quota, { hard, used });
  }
}
