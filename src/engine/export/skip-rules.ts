/**
 * Objects the engine never exports although they live in an exported namespace: they are
 * recreated on the target by controllers or by the API server, or they only make sense on the
 * cluster they came from. Each rule returns the reason, which export reports list.
 */
import { apiGroup, isRecord, type KubeObject } from "../kube-object.js";

/** Facts about the source the rules need beyond the object itself. */
export interface SkipContext {
  /**
   * `namespace/name` of Services that have a selector. Their Endpoints are written by the
   * endpoints controller, so they are skipped; Endpoints of selector-less Services are
   * user-managed and exported. When absent, every Endpoints object is skipped.
   */
  readonly servicesWithSelector?: ReadonlySet<string>;
}

type Rule = (obj: KubeObject, context: SkipContext) => string | undefined;

const SKIPPED_TYPES: ReadonlyMap<string, string> = new Map([
  ["/Event", "events are history of the source cluster"],
  ["events.k8s.io/Event", "events are history of the source cluster"],
  ["/PersistentVolume", "persistent volumes are cluster-scoped; volume data moves with the PVC"],
  ["coordination.k8s.io/Lease", "leases are held by running processes of the source cluster"],
  ["apps/ControllerRevision", "controller revisions are recreated by their controllers"],
  ["/Binding", "bindings are a scheduler action, not an object"],
  ["/ComponentStatus", "component status describes the source control plane"],
  ["metrics.k8s.io/PodMetrics", "metrics are observations, not desired state"],
  ["metrics.k8s.io/NodeMetrics", "metrics are observations, not desired state"],
  ["/Node", "nodes belong to the source cluster"],
]);

const CONTROLLED_KINDS: ReadonlyMap<string, string> = new Map([
  ["/Pod", "pods owned by a controller are recreated by it"],
  ["apps/ReplicaSet", "replica sets owned by a deployment are recreated by it"],
  ["batch/Job", "jobs owned by a cron job are recreated by it"],
]);

const rules: readonly Rule[] = [
  (obj) => SKIPPED_TYPES.get(`${apiGroup(obj.apiVersion)}/${obj.kind}`),
  (obj) =>
    obj.metadata["deletionTimestamp"] !== undefined ? "object is being deleted on the source" : undefined,
  (obj) => {
    const reason = CONTROLLED_KINDS.get(`${apiGroup(obj.apiVersion)}/${obj.kind}`);
    if (reason === undefined) return undefined;
    return (obj.metadata.ownerReferences ?? []).some((o) => o.controller === true) ? reason : undefined;
  },
  (obj) =>
    obj.kind === "Secret" && obj.apiVersion === "v1" && obj["type"] === "kubernetes.io/service-account-token"
      ? "service-account token secrets are minted by the target cluster"
      : undefined,
  (obj) =>
    obj.kind === "ConfigMap" && obj.apiVersion === "v1" && obj.metadata.name === "kube-root-ca.crt"
      ? "kube-root-ca.crt is published by the target cluster"
      : undefined,
  (obj) =>
    obj.kind === "ServiceAccount" &&
    obj.apiVersion === "v1" &&
    obj.metadata.name === "default" &&
    !customisedDefaultServiceAccount(obj)
      ? "the default service account is created by the target cluster"
      : undefined,
  (obj) => {
    if (obj.kind !== "Pod" || obj.apiVersion !== "v1") return undefined;
    const phase = isRecord(obj["status"]) ? obj["status"]["phase"] : undefined;
    return phase === "Succeeded" || phase === "Failed" ? `pod has finished (${phase})` : undefined;
  },
  (obj, context) => {
    if (obj.kind !== "Endpoints" || obj.apiVersion !== "v1") return undefined;
    const key = `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
    if (context.servicesWithSelector === undefined)
      return "endpoints are written by the endpoints controller";
    return context.servicesWithSelector.has(key)
      ? "endpoints of a service with a selector are written by its controller"
      : undefined;
  },
  (obj) => {
    if (obj.kind !== "EndpointSlice" || apiGroup(obj.apiVersion) !== "discovery.k8s.io") return undefined;
    const manager = obj.metadata.labels?.["endpointslice.kubernetes.io/managed-by"];
    return manager === undefined || manager.endsWith(".k8s.io")
      ? "endpoint slices are written by the endpoint-slice controllers"
      : undefined;
  },
];

/**
 * Why `obj` must not be exported, or `undefined` when it may be. Pure: looks only at the
 * object and the context.
 */
export function skipReason(obj: KubeObject, context: SkipContext = {}): string | undefined {
  for (const rule of rules) {
    const reason = rule(obj, context);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/**
 * The target's service-account controller creates `default` in every namespace, so Ferry
 * carries it only when someone configured it (pull secrets, token mounting, extra secrets);
 * otherwise recreating it would just collide with the target's own.
 */
function customisedDefaultServiceAccount(obj: KubeObject): boolean {
  const pullSecrets = obj["imagePullSecrets"];
  return (
    (Array.isArray(pullSecrets) && pullSecrets.length > 0) ||
    obj["automountServiceAccountToken"] !== undefined
  );
}
