import type { KubeObject } from "../../api.js";
import { deleteIfExists } from "../runtime/api-errors.js";
import { defineController, type Runtime } from "../runtime/controller.js";
import { recordEvent } from "../runtime/events.js";
import { R } from "../runtime/gvr.js";
import { controllerOf, field, isControlledBy, isDeleting, splitKey } from "../runtime/objects.js";
import { deletionOrder, isActive, isReady, podFromTemplate, type PodTemplate } from "./pod-template.js";
import { writeStatusIfChanged } from "./write-status.js";

/** The keys of the owners of kind `kind` of an object, for watches on dependents. */
export const ownerKeys =
  (kind: string) =>
  (event: { object: KubeObject }): string[] => {
    const owner = controllerOf(event.object);
    return owner?.kind === kind ? [`${event.object.metadata.namespace ?? ""}/${owner.name}`] : [];
  };

/** Pure: the status of a ReplicaSet given its active pods. */
export function replicaSetStatus(rs: KubeObject, pods: readonly KubeObject[]): Record<string, unknown> {
  const ready = pods.filter(isReady).length;
  const labels = field<Record<string, string>>(rs, "spec", "template", "metadata", "labels") ?? {};
  const fully = pods.filter((p) =>
    Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v),
  ).length;
  return {
    replicas: pods.length,
    fullyLabeledReplicas: fully,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation ?? 1,
  };
}

/** ReplicaSets keep `spec.replicas` active pods, made from their template. */
export const replicaSets = defineController("replicaset", (rt) => ({
  watches: [{ gvr: R.replicaSets }, { gvr: R.pods, keys: ownerKeys("ReplicaSet") }],
  initialKeys: () =>
    rt.ctx.api.list(R.replicaSets).map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`),
  reconcile: (key) => {
    reconcileReplicaSet(rt, key);
    return Promise.resolve();
  },
}));

function reconcileReplicaSet(rt: Runtime, key: string): void {
  const { api } = rt.ctx;
  const { namespace, name } = splitKey(key);
  const rs = api.get(R.replicaSets, namespace, name);
  if (rs === undefined || isDeleting(rs)) return;
  const desired = field<number>(rs, "spec", "replicas") ?? 1;
  let pods = api
    .list(R.pods, { namespace: namespace ?? "" })
    .filter((p) => isControlledBy(p, rs) && isActive(p));
  const template = field<PodTemplate>(rs, "spec", "template") ?? {};
  for (let i = pods.length; i < desired; i++) {
    const pod = api.create(R.pods, podFromTemplate(rs, template, { generateName: `${name}-` }));
    pods = [...pods, pod];
    recordEvent(rt, rs, { reason: "SuccessfulCreate", message: `Created pod: ${pod.metadata.name ?? ""}` });
  }
  if (pods.length > desired) {
    const extra = deletionOrder(pods).slice(0, pods.length - desired);
    for (const pod of extra) {
      deleteIfExists(api, R.pods, namespace, pod.metadata.name ?? "");
      recordEvent(rt, rs, { reason: "SuccessfulDelete", message: `Deleted pod: ${pod.metadata.name ?? ""}` });
    }
    const removed = new Set(extra.map((p) => p.metadata.uid));
    pods = pods.filter((p) => !removed.has(p.metadata.uid));
  }
  writeStatusIfChanged(api, R.replicaSets, rs, replicaSetStatus(rs, pods));
}
