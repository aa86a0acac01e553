import type { KubeObject } from "../../api.js";
import { controllerRef, field } from "../runtime/objects.js";
import { conditionStatus, type Condition } from "../runtime/conditions.js";

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** A pod made from a workload's template, controlled by `owner`. */
export function podFromTemplate(
  owner: KubeObject,
  template: PodTemplate,
  naming: { name: string } | { generateName: string },
  extra: { labels?: Record<string, string>; spec?: Record<string, unknown> } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...naming,
      namespace: owner.metadata.namespace ?? "default",
      labels: { ...(template.metadata?.labels ?? {}), ...(extra.labels ?? {}) },
      ...(template.metadata?.annotations === undefined
        ? {}
        : { annotations: { ...template.metadata.annotations } }),
      ownerReferences: [controllerRef(owner)],
    },
    spec: structuredClone({ ...(template.spec ?? {}), ...(extra.spec ?? {}) }),
  };
}

export const podPhase = (pod: KubeObject): string | undefined => field<string>(pod, "status", "phase");

/** Active pods count toward replicas: not finished and not being deleted, as in the real controllers. */
export const isActive = (pod: KubeObject): boolean =>
  pod.metadata.deletionTimestamp === undefined && podPhase(pod) !== "Succeeded" && podPhase(pod) !== "Failed";

export const isReady = (pod: KubeObject): boolean =>
  isActive(pod) && conditionStatus(field<Condition[]>(pod, "status", "conditions"), "Ready") === "True";

/** Pods to remove first when scaling down: not ready before ready, then the newest first. */
export function deletionOrder(pods: readonly KubeObject[]): KubeObject[] {
  return [...pods].sort((a, b) => {
    const ready = Number(isReady(a)) - Number(isReady(b));
    if (ready !== 0) return ready;
    return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
  });
}
