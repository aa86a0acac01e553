/**
 * Cluster-scoped RBAC an exported application depends on: ClusterRoleBindings that grant to
 * its ServiceAccounts, and the ClusterRoles those bindings and its RoleBindings refer to.
 * Kubernetes' own roles (`system:*` and the `rbac-defaults` bootstrap roles such as `edit`)
 * exist on every target and are never carried.
 */
import { isRecord, type KubeObject } from "../kube-object.js";

export interface ClusterRbacInput {
  /** The exported namespaced objects. */
  readonly resources: readonly KubeObject[];
  readonly clusterRoles: readonly KubeObject[];
  readonly clusterRoleBindings: readonly KubeObject[];
}

/** The ClusterRoleBindings and ClusterRoles to export with `resources`, sorted by kind then name. */
export function requiredClusterRbac(input: ClusterRbacInput): KubeObject[] {
  const serviceAccounts = new Set(
    input.resources
      .filter((o) => o.kind === "ServiceAccount")
      .map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`),
  );
  const bindings = input.clusterRoleBindings.filter(
    (b) =>
      !isBuiltIn(b) &&
      subjectsOf(b).some(
        (s) => s.kind === "ServiceAccount" && serviceAccounts.has(`${s.namespace ?? ""}/${s.name}`),
      ),
  );
  const roleNames = new Set<string>();
  for (const b of [...bindings, ...input.resources.filter((o) => o.kind === "RoleBinding")]) {
    const ref = b["roleRef"];
    if (isRecord(ref) && ref["kind"] === "ClusterRole" && typeof ref["name"] === "string")
      roleNames.add(ref["name"]);
  }
  const roles = input.clusterRoles.filter((r) => roleNames.has(r.metadata.name) && !isBuiltIn(r));
  const byName = (a: KubeObject, b: KubeObject): number => a.metadata.name.localeCompare(b.metadata.name);
  return [...roles.sort(byName), ...bindings.sort(byName)];
}

interface Subject {
  kind?: unknown;
  name?: string;
  namespace?: string;
}

function subjectsOf(binding: KubeObject): Subject[] {
  const subjects = binding["subjects"];
  return Array.isArray(subjects) ? subjects.filter(isRecord).map((s) => s as Subject) : [];
}

function isBuiltIn(obj: KubeObject): boolean {
  return (
    obj.metadata.name.startsWith("system:") ||
    obj.metadata.labels?.["kubernetes.io/bootstrapping"] === "rbac-defaults"
  );
}
