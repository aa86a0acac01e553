/**
 * Restore planning: the order objects are written to a target so each finds what it depends
 * on. CRDs first, then a wait until the target reports them Established (custom resources
 * are refused before that), namespaces, identities and RBAC, configuration, quotas, claims,
 * services, workloads, ingress and network policy, other built-in kinds, then custom
 * resources. Within a tier the input order is kept; objects of one tier may be written in
 * parallel.
 */
import { apiGroup, groupKind, type KubeObject } from "../kube-object.js";
import { crdGroupKind } from "../export/required-crds.js";

export const RESTORE_TIERS = [
  "crds",
  "namespaces",
  "service-accounts",
  "roles",
  "role-bindings",
  "config-maps",
  "secrets",
  "quotas",
  "persistent-volume-claims",
  "services",
  "workloads",
  "network",
  "other",
  "custom-resources",
] as const;
export type RestoreTier = (typeof RESTORE_TIERS)[number];

export type RestoreStep =
  | { readonly kind: "apply"; readonly tier: RestoreTier; readonly objects: readonly KubeObject[] }
  /** Poll the target until these CRDs (by name) have condition Established=True. */
  | { readonly kind: "wait-crds-established"; readonly crds: readonly string[] };

const TIER_BY_TYPE: ReadonlyMap<string, RestoreTier> = new Map([
  ["apiextensions.k8s.io/CustomResourceDefinition", "crds"],
  ["/Namespace", "namespaces"],
  ["/ServiceAccount", "service-accounts"],
  ["rbac.authorization.k8s.io/Role", "roles"],
  ["rbac.authorization.k8s.io/ClusterRole", "roles"],
  ["rbac.authorization.k8s.io/RoleBinding", "role-bindings"],
  ["rbac.authorization.k8s.io/ClusterRoleBinding", "role-bindings"],
  ["/ConfigMap", "config-maps"],
  ["/Secret", "secrets"],
  ["/LimitRange", "quotas"],
  ["/ResourceQuota", "quotas"],
  ["/PersistentVolumeClaim", "persistent-volume-claims"],
  ["/Service", "services"],
  ["/Endpoints", "services"],
  ["discovery.k8s.io/EndpointSlice", "services"],
  ["apps/Deployment", "workloads"],
  ["apps/StatefulSet", "workloads"],
  ["apps/DaemonSet", "workloads"],
  ["apps/ReplicaSet", "workloads"],
  ["batch/Job", "workloads"],
  ["batch/CronJob", "workloads"],
  ["/Pod", "workloads"],
  ["networking.k8s.io/Ingress", "network"],
  ["networking.k8s.io/NetworkPolicy", "network"],
]);

/** Groups served by Kubernetes itself; a kind of any other group is a custom resource. */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  "",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "internal.apiserver.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "resource.k8s.io",
  "scheduling.k8s.io",
  "storage.k8s.io",
  "storagemigration.k8s.io",
]);

/** The tier of an object; `crdKinds` (`Kind.group`) marks custom kinds in built-in-looking groups. */
export function restoreTier(obj: KubeObject, crdKinds: ReadonlySet<string> = new Set()): RestoreTier {
  const tier = TIER_BY_TYPE.get(`${apiGroup(obj.apiVersion)}/${obj.kind}`);
  if (tier !== undefined) return tier;
  if (crdKinds.has(groupKind(obj)) || !BUILT_IN_GROUPS.has(apiGroup(obj.apiVersion)))
    return "custom-resources";
  return "other";
}

/**
 * The restore steps for `objects`: one `apply` step per non-empty tier in dependency order,
 * and a `wait-crds-established` step right after the CRDs. Stable within a tier.
 */
export function restoreOrder(objects: readonly KubeObject[]): RestoreStep[] {
  const crdKinds = new Set(
    objects.filter((o) => restoreTier(o) === "crds").flatMap((crd) => crdGroupKind(crd) ?? []),
  );
  const byTier = new Map<RestoreTier, KubeObject[]>();
  for (const obj of objects) {
    const tier = restoreTier(obj, crdKinds);
    const list = byTier.get(tier);
    if (list === undefined) byTier.set(tier, [obj]);
    else list.push(obj);
  }
  const steps: RestoreStep[] = [];
  for (const tier of RESTORE_TIERS) {
    const list = byTier.get(tier);
    if (list === undefined) continue;
    steps.push({ kind: "apply", tier, objects: list });
    if (tier === "crds")
      steps.push({ kind: "wait-crds-established", crds: list.map((c) => c.metadata.name) });
  }
  return steps;
}
