import type { KubeObject } from "../../api.js";
import { deleteIfExists, isAlreadyExists } from "../runtime/api-errors.js";
import { defineController, type Runtime } from "../runtime/controller.js";
import { recordEvent } from "../runtime/events.js";
import { R } from "../runtime/gvr.js";
import { templateHash } from "../runtime/hash.js";
import {
  clone,
  controllerRef,
  field,
  isControlledBy,
  isDeleting,
  keyOf,
  splitKey,
} from "../runtime/objects.js";
import type { LabelSelector } from "../runtime/selectors.js";
import { isReady, podFromTemplate, podPhase, type PodTemplate } from "./pod-template.js";
import { ownerKeys } from "./replicasets.js";
import { writeStatusIfChanged } from "./write-status.js";

const REVISION_LABEL = "controller-revision-hash";

interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

const ordinalOf = (stsName: string, pod: KubeObject): number => {
  const match = new RegExp(`^${stsName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)$`).exec(
    pod.metadata.name ?? "",
  );
  return match === null ? -1 : Number(match[1]);
};

/** The PVC name of a volumeClaimTemplate for one ordinal: `<template>-<statefulset>-<ordinal>`. */
export const claimName = (template: string, sts: string, ordinal: number): string =>
  `${template}-${sts}-${ordinal}`;

/**
 * StatefulSets keep pods `<name>-0 … <name>-(n-1)` with stable names, each with PVCs made
 * from the volumeClaimTemplates. OrderedReady (the default) starts ordinal i only once i-1
 * is Ready and scales down from the highest ordinal; a template change replaces pods from
 * the highest ordinal down (RollingUpdate), honouring `partition`.
 */
export const statefulSets = defineController("statefulset", (rt) => ({
  watches: [{ gvr: R.statefulSets }, { gvr: R.pods, keys: ownerKeys("StatefulSet") }],
  initialKeys: () => rt.ctx.api.list(R.statefulSets).map(keyOf),
  reconcile: (key) => {
    reconcileStatefulSet(rt, key);
    return Promise.resolve();
  },
}));

function reconcileStatefulSet(rt: Runtime, key: string): void {
  const { api } = rt.ctx;
  const { namespace, name } = splitKey(key);
  const sts = api.get(R.statefulSets, namespace, name);
  if (sts === undefined || isDeleting(sts)) return;
  const desired = field<number>(sts, "spec", "replicas") ?? 1;
  const template = clone(field<PodTemplate>(sts, "spec", "template") ?? {});
  const updateRevision = `${name}-${templateHash(template)}`;
  const parallel = field<string>(sts, "spec", "podManagementPolicy") === "Parallel";
  const strategy = field<string>(sts, "spec", "updateStrategy", "type") ?? "RollingUpdate";
  const partition = field<number>(sts, "spec", "updateStrategy", "rollingUpdate", "partition") ?? 0;
  const previousStatus = (sts["status"] ?? {}) as Record<string, unknown>;
  let pods = api
    .list(R.pods, { namespace: namespace ?? "" })
    .filter((p) => isControlledBy(p, sts) && ordinalOf(name, p) >= 0);
  const byOrdinal = new Map(pods.map((p) => [ordinalOf(name, p), p]));

  // Finished pods are replaced, as the StatefulSet controller does.
  for (const pod of pods) {
    if ((podPhase(pod) === "Failed" || podPhase(pod) === "Succeeded") && !isDeleting(pod)) {
      deleteIfExists(api, R.pods, namespace, pod.metadata.name ?? "");
      byOrdinal.delete(ordinalOf(name, pod));
    }
  }
  let blocked = false;
  for (let ordinal = 0; ordinal < desired && !blocked; ordinal++) {
    const existing = byOrdinal.get(ordinal);
    if (existing === undefined) {
      ensureClaims(rt, sts, ordinal);
      const pod = createPod(rt, sts, template, ordinal, updateRevision);
      if (pod !== undefined) byOrdinal.set(ordinal, pod);
      if (!parallel) blocked = true;
    } else if (!parallel && !isReady(existing)) {
      blocked = true;
    }
  }
  // Scale down from the highest ordinal, one at a time unless Parallel.
  const extra = [...byOrdinal.keys()].filter((o) => o >= desired).sort((a, b) => b - a);
  for (const ordinal of parallel ? extra : extra.slice(0, 1)) {
    const pod = byOrdinal.get(ordinal);
    if (pod === undefined || isDeleting(pod)) continue;
    deleteIfExists(api, R.pods, namespace, pod.metadata.name ?? "");
    recordEvent(rt, sts, {
      reason: "SuccessfulDelete",
      message: `delete Pod ${pod.metadata.name ?? ""} in StatefulSet ${name} successful`,
    });
    if (field<string>(sts, "spec", "persistentVolumeClaimRetentionPolicy", "whenScaled") === "Delete") {
      for (const t of field<ClaimTemplate[]>(sts, "spec", "volumeClaimTemplates") ?? []) {
        deleteIfExists(api, R.pvcs, namespace, claimName(t.metadata?.name ?? "", name, ordinal));
      }
    }
  }
  // Rolling update: replace the highest outdated ordinal once every other pod is Ready.
  const current = [...byOrdinal.entries()].filter(([o]) => o < desired);
  const allReady = current.length === desired && current.every(([, p]) => isReady(p));
  if (strategy === "RollingUpdate" && allReady) {
    const outdated = current
      .filter(([o, p]) => o >= partition && p.metadata.labels?.[REVISION_LABEL] !== updateRevision)
      .sort(([a], [b]) => b - a)[0];
    if (outdated !== undefined && !isDeleting(outdated[1])) {
      deleteIfExists(api, R.pods, namespace, outdated[1].metadata.name ?? "");
    }
  }
  pods = current.map(([, p]) => p);
  const ready = pods.filter(isReady).length;
  const updated = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
  const previousCurrent = (previousStatus["currentRevision"] as string | undefined) ?? updateRevision;
  const currentRevision = updated === desired && ready === desired ? updateRevision : previousCurrent;
  const currentReplicas = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length;
  writeStatusIfChanged(api, R.statefulSets, sts, {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    currentReplicas,
    updatedReplicas: updated,
    currentRevision,
    updateRevision,
    collisionCount: 0,
  });
}

function createPod(
  rt: Runtime,
  sts: KubeObject,
  template: PodTemplate,
  ordinal: number,
  revision: string,
): KubeObject | undefined {
  const name = sts.metadata.name ?? "";
  const podName = `${name}-${ordinal}`;
  const claims = (field<ClaimTemplate[]>(sts, "spec", "volumeClaimTemplates") ?? []).map(
    (t) => t.metadata?.name ?? "",
  );
  const volumes = (field<{ name: string }[]>(template, "spec", "volumes") ?? []).filter(
    (v) => !claims.includes(v.name),
  );
  const serviceName = field<string>(sts, "spec", "serviceName");
  const pod = podFromTemplate(
    sts,
    template,
    { name: podName },
    {
      labels: {
        [REVISION_LABEL]: revision,
        "statefulset.kubernetes.io/pod-name": podName,
        "apps.kubernetes.io/pod-index": String(ordinal),
      },
      spec: {
        hostname: podName,
        ...(serviceName === undefined || serviceName === "" ? {} : { subdomain: serviceName }),
        volumes: [
          ...volumes,
          ...claims.map((c) => ({
            name: c,
            persistentVolumeClaim: { claimName: claimName(c, name, ordinal) },
          })),
        ],
      },
    },
  );
  try {
    const created = rt.ctx.api.create(R.pods, pod);
    recordEvent(rt, sts, {
      reason: "SuccessfulCreate",
      message: `create Pod ${podName} in StatefulSet ${name} successful`,
    });
    return created;
  } catch (err) {
    if (isAlreadyExists(err)) return undefined;
    throw err;
  }
}

/** The claims of one ordinal; they outlive the pod (and, by default, the StatefulSet). */
function ensureClaims(rt: Runtime, sts: KubeObject, ordinal: number): void {
  const name = sts.metadata.name ?? "";
  const selector = field<LabelSelector>(sts, "spec", "selector");
  const deleteWithSet =
    field<string>(sts, "spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted") === "Delete";
  for (const t of field<ClaimTemplate[]>(sts, "spec", "volumeClaimTemplates") ?? []) {
    const pvcName = claimName(t.metadata?.name ?? "", name, ordinal);
    if (rt.ctx.api.get(R.pvcs, sts.metadata.namespace, pvcName) !== undefined) continue;
    try {
      rt.ctx.api.create(R.pvcs, {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name: pvcName,
          namespace: sts.metadata.namespace ?? "default",
          labels: { ...(t.metadata?.labels ?? {}), ...(selector?.matchLabels ?? {}) },
          ...(t.metadata?.annotations === undefined ? {} : { annotations: t.metadata.annotations }),
          ...(deleteWithSet ? { ownerReferences: [{ ...controllerRef(sts), controller: false }] } : {}),
        },
        spec: structuredClone(t.spec ?? {}),
      });
      recordEvent(rt, sts, {
        reason: "SuccessfulCreate",
        message: `create Claim ${pvcName} Pod ${name}-${ordinal} in StatefulSet ${name} success`,
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
