/**
 * Starting and stopping the workloads of a namespace at failover and failback: the inverse
 * transforms of `startApplications: false` (src/engine/transforms), applied to the live
 * objects through the cluster port.
 */
import type { ClusterClient } from "../cluster/port.js";
import type { KubeObject, ResourceType } from "../engine/kube-object.js";
import { startApplication, stopApplication } from "../engine/transforms/start-applications.js";

const WORKLOAD_TYPES: readonly ResourceType[] = [
  { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true },
  { group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true },
  { group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true },
  { group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true },
];

/** Names of the workloads changed, `Kind/name`. */
export async function setWorkloads(options: {
  readonly client: ClusterClient;
  readonly namespace: string;
  readonly running: boolean;
}): Promise<string[]> {
  const changed: string[] = [];
  for (const type of WORKLOAD_TYPES) {
    const objects = await options.client.list(type, { namespace: options.namespace });
    for (const object of objects) {
      // ReplicaSets owned by a Deployment follow their Deployment.
      if (type.kind === "ReplicaSet" && (object.metadata.ownerReferences ?? []).length > 0) continue;
      const next: KubeObject = options.running ? startApplication(object) : stopApplication(object);
      if (next === object || JSON.stringify(next) === JSON.stringify(object)) continue;
      await options.client.replace(next);
      changed.push(`${object.kind}/${object.metadata.name}`);
    }
  }
  return changed;
}
