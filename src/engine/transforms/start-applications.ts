/**
 * `startApplications: false` (Stork): workloads arrive stopped on the targets and start only
 * at failover. Deployments, StatefulSets and ReplicaSets are scaled to 0 with the source's
 * count kept in `ferry.dev/replicas`; CronJobs are suspended with the source's `suspend` kept
 * in `ferry.dev/suspend`. `startApplication` is the exact inverse, used by failover.
 *
 * DaemonSets cannot be scaled and are left running; HorizontalPodAutoscalers do not act on a
 * workload at 0 replicas, so they need no change.
 */
import { cloneObject, isRecord, type KubeObject } from "../kube-object.js";
import { REPLICAS_ANNOTATION, SUSPEND_ANNOTATION } from "../ferry-metadata.js";

const SCALABLE = new Set(["apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/ReplicaSet"]);

function isScalable(obj: KubeObject): boolean {
  return SCALABLE.has(`${obj.apiVersion}/${obj.kind}`);
}

function isCronJob(obj: KubeObject): boolean {
  return obj.kind === "CronJob" && (obj.apiVersion === "batch/v1" || obj.apiVersion === "batch/v1beta1");
}

/** A copy of `obj` stopped: replicas 0 or suspended, the original kept in an annotation. */
export function stopApplication(obj: KubeObject): KubeObject {
  if (!isScalable(obj) && !isCronJob(obj)) return obj;
  const copy = cloneObject(obj);
  const spec = isRecord(copy["spec"]) ? copy["spec"] : (copy["spec"] = {});
  const annotations = { ...copy.metadata.annotations };
  if (isScalable(copy)) {
    // Already stopped by Ferry (e.g. a DR copy being failed back): keep the true original.
    if (annotations[REPLICAS_ANNOTATION] === undefined) {
      const replicas = typeof spec["replicas"] === "number" ? spec["replicas"] : 1; // Kubernetes' default
      annotations[REPLICAS_ANNOTATION] = String(replicas);
    }
    spec["replicas"] = 0;
  } else {
    if (annotations[SUSPEND_ANNOTATION] === undefined)
      annotations[SUSPEND_ANNOTATION] = String(spec["suspend"] === true);
    spec["suspend"] = true;
  }
  copy.metadata.annotations = annotations;
  return copy;
}

/**
 * A copy of `obj` started again: replicas and `suspend` restored from Ferry's annotations,
 * which are removed. Objects Ferry did not stop are returned as they are.
 */
export function startApplication(obj: KubeObject): KubeObject {
  const annotations = obj.metadata.annotations ?? {};
  const replicas = annotations[REPLICAS_ANNOTATION];
  const suspend = annotations[SUSPEND_ANNOTATION];
  if (isScalable(obj) && replicas !== undefined && /^\d+$/.test(replicas)) {
    const copy = cloneObject(obj);
    copy["spec"] = { ...(isRecord(copy["spec"]) ? copy["spec"] : {}), replicas: Number(replicas) };
    copy.metadata.annotations = without(annotations, REPLICAS_ANNOTATION);
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
    return copy;
  }
  if (isCronJob(obj) && (suspend === "true" || suspend === "false")) {
    const copy = cloneObject(obj);
    copy["spec"] = { ...(isRecord(copy["spec"]) ? copy["spec"] : {}), suspend: suspend === "true" };
    copy.metadata.annotations = without(annotations, SUSPEND_ANNOTATION);
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
    return copy;
  }
  return obj;
}

function without(record: Readonly<Record<string, string>>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}
