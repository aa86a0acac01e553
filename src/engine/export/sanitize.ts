/**
 * Export sanitisation: strips what the source's API server and controllers populated, and
 * what only makes sense on the source cluster, so the object can be created on a target.
 * Like Velero, metadata keeps only name, namespace, labels and annotations; owner references
 * are dropped because their UIDs do not exist on the target (owned pods and replica sets
 * are not exported at all, see `skip-rules.ts`).
 */
import { apiGroup, cloneObject, isRecord, type KubeObject, type KubeObjectMeta } from "../kube-object.js";

/** Metadata fields kept; everything else (uid, resourceVersion, managedFields, …) goes. */
const KEPT_METADATA = ["name", "namespace", "labels", "annotations"] as const;

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Annotations written by the source's controllers, per kind (`*` = every kind). */
const SERVER_ANNOTATIONS: ReadonlyMap<string, readonly (string | RegExp)[]> = new Map([
  ["*", [LAST_APPLIED]],
  ["apps/Deployment", ["deployment.kubernetes.io/revision"]],
  [
    "/PersistentVolumeClaim",
    [/^pv\.kubernetes\.io\//, /^volume\.beta\.kubernetes\.io\//, /^volume\.kubernetes\.io\//],
  ],
]);

/** Job labels the job controller writes; they carry the source Job's UID. */
const JOB_CONTROLLER_LABELS = [
  "controller-uid",
  "batch.kubernetes.io/controller-uid",
  "job-name",
  "batch.kubernetes.io/job-name",
];

/**
 * A copy of `obj` without server-populated and cluster-specific fields. The input is not
 * modified. Never fails: unknown kinds get the generic treatment (metadata and status).
 */
export function sanitizeForExport(obj: KubeObject): KubeObject {
  const copy = cloneObject(obj);
  const typeKey = `${apiGroup(copy.apiVersion)}/${copy.kind}`;
  // Read before the annotation goes: which node ports the user chose explicitly.
  const lastApplied = copy.metadata.annotations?.[LAST_APPLIED];
  copy.metadata = sanitizeMetadata(copy.metadata, typeKey);
  delete copy["status"];
  switch (typeKey) {
    case "/Service":
      sanitizeService(copy, lastApplied);
      break;
    case "/Pod":
      if (isRecord(copy["spec"])) delete copy["spec"]["nodeName"];
      break;
    case "/PersistentVolumeClaim":
      sanitizePvc(copy, obj.metadata.annotations ?? {});
      break;
    case "batch/Job":
      sanitizeJob(copy);
      break;
    case "/Namespace":
      // spec.finalizers is the server's ["kubernetes"]; the name label is re-set by the server.
      delete copy["spec"];
      removeLabels(copy.metadata, ["kubernetes.io/metadata.name"]);
      break;
  }
  return copy;
}

function sanitizeMetadata(meta: KubeObjectMeta, typeKey: string): KubeObjectMeta {
  const kept: KubeObjectMeta = { name: meta.name };
  for (const key of KEPT_METADATA) {
    if (meta[key] !== undefined) (kept as Record<string, unknown>)[key] = meta[key];
  }
  const patterns = [...(SERVER_ANNOTATIONS.get("*") ?? []), ...(SERVER_ANNOTATIONS.get(typeKey) ?? [])];
  if (kept.annotations !== undefined) {
    const annotations = Object.fromEntries(
      Object.entries(kept.annotations).filter(
        ([k]) => !patterns.some((p) => (typeof p === "string" ? p === k : p.test(k))),
      ),
    );
    if (Object.keys(annotations).length === 0) delete kept.annotations;
    else kept.annotations = annotations;
  }
  if (kept.labels !== undefined && Object.keys(kept.labels).length === 0) delete kept.labels;
  return kept;
}

function sanitizeService(svc: KubeObject, lastApplied: string | undefined): void {
  const spec = svc["spec"];
  if (!isRecord(spec)) return;
  // Headless services keep `None`: it is the user's choice, not an allocation.
  if (spec["clusterIP"] !== "None") {
    delete spec["clusterIP"];
    delete spec["clusterIPs"];
  }
  delete spec["healthCheckNodePort"];
  const type = spec["type"];
  const keepNodePorts =
    type === "NodePort" || type === "LoadBalancer" ? explicitNodePorts(lastApplied) : new Set<number>();
  if (Array.isArray(spec["ports"])) {
    for (const port of spec["ports"].filter(isRecord)) {
      if (typeof port["nodePort"] === "number" && !keepNodePorts.has(port["nodePort"]))
        delete port["nodePort"];
    }
  }
}

/**
 * Node ports the user set explicitly (seen in kubectl's last-applied configuration). Other
 * node ports were allocated by the source and may clash on the target, so they are dropped
 * and the target allocates its own — Velero's rule.
 */
function explicitNodePorts(lastApplied: string | undefined): Set<number> {
  const ports = new Set<number>();
  if (lastApplied === undefined) return ports;
  let parsed: unknown;
  try {
    parsed = JSON.parse(lastApplied);
  } catch {
    return ports;
  }
  const spec = isRecord(parsed) ? parsed["spec"] : undefined;
  const list = isRecord(spec) && Array.isArray(spec["ports"]) ? spec["ports"] : [];
  for (const p of list) if (isRecord(p) && typeof p["nodePort"] === "number") ports.add(p["nodePort"]);
  return ports;
}

function sanitizePvc(pvc: KubeObject, originalAnnotations: Readonly<Record<string, string>>): void {
  const spec = pvc["spec"];
  if (!isRecord(spec)) return;
  // The bound volume is the source's; the target provisions (or the mover restores) its own.
  delete spec["volumeName"];
  // A claim populated from a VolumeSnapshot names a snapshot of the source cluster, which the
  // target does not have (the claim would stay Pending); its data comes from the mover instead.
  // Clones of other claims and custom populators are kept.
  for (const field of ["dataSource", "dataSourceRef"]) {
    const ref = spec[field];
    if (isRecord(ref) && ref["kind"] === "VolumeSnapshot" && ref["apiGroup"] === "snapshot.storage.k8s.io")
      delete spec[field];
  }
  // The legacy class annotation is the only record of the class on old PVCs: keep its meaning.
  const legacyClass = originalAnnotations["volume.beta.kubernetes.io/storage-class"];
  if (legacyClass !== undefined && spec["storageClassName"] === undefined)
    spec["storageClassName"] = legacyClass;
}

function sanitizeJob(job: KubeObject): void {
  const spec = job["spec"];
  if (!isRecord(spec)) return;
  if (spec["manualSelector"] === true) {
    // A manual selector is the user's; only the source Job's UID keys are dropped from it.
    const selector = spec["selector"];
    if (isRecord(selector) && isRecord(selector["matchLabels"])) {
      for (const key of JOB_CONTROLLER_LABELS.filter((k) => k.endsWith("controller-uid")))
        delete selector["matchLabels"][key];
    }
  } else {
    // The job controller generates selector and labels from the new Job's UID.
    delete spec["selector"];
    delete spec["manualSelector"];
    const template = spec["template"];
    if (isRecord(template) && isRecord(template["metadata"]))
      removeLabels(template["metadata"], JOB_CONTROLLER_LABELS);
  }
  removeLabels(job.metadata, JOB_CONTROLLER_LABELS);
}

function removeLabels(meta: Record<string, unknown>, keys: readonly string[]): void {
  const labels = meta["labels"];
  if (!isRecord(labels)) return;
  for (const key of keys) delete labels[key];
  if (Object.keys(labels).length === 0) delete meta["labels"];
}
