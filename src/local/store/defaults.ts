import type { KubeObject } from "../api.js";
import { badRequest } from "../errors.js";
import type { ResourceDef } from "../resources/types.js";

type Obj = Record<string, unknown>;

/** What defaulting needs from the cluster. */
export interface DefaultsContext {
  /** The name of the default StorageClass, if one is marked default. */
  defaultStorageClass(): string | undefined;
  /** A free service cluster IP. */
  allocateClusterIP(): string;
  /** A free node port. */
  allocateNodePort(): number;
}

const obj = (parent: Obj, key: string): Obj => {
  const v = parent[key];
  if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Obj;
  const created: Obj = {};
  parent[key] = created;
  return created;
};

const setDefault = (o: Obj, key: string, value: unknown): void => {
  if (o[key] === undefined) o[key] = value;
};

function defaultContainer(c: Obj): void {
  const image = typeof c["image"] === "string" ? c["image"] : "";
  const tag = image.includes("@") ? "digest" : (/:([^/:]+)$/.exec(image)?.[1] ?? "latest");
  setDefault(c, "imagePullPolicy", tag === "latest" ? "Always" : "IfNotPresent");
  setDefault(c, "terminationMessagePath", "/dev/termination-log");
  setDefault(c, "terminationMessagePolicy", "File");
  setDefault(c, "resources", {});
  for (const p of (c["ports"] as Obj[] | undefined) ?? []) setDefault(p, "protocol", "TCP");
}

/** The defaults the real server gives a PodSpec (for pods and every pod template). */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, "restartPolicy", "Always");
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "schedulerName", "default-scheduler");
  for (const key of ["containers", "initContainers"]) {
    for (const c of (spec[key] as Obj[] | undefined) ?? [])
      if (typeof c === "object" && c !== null) defaultContainer(c);
  }
}

function defaultTemplate(spec: Obj): void {
  const template = spec["template"];
  if (typeof template !== "object" || template === null) return;
  defaultPodSpec(obj(template as Obj, "spec"));
}

/**
 * Applies the defaults of the real API server's defaulting and admission for a kind, in
 * place, on create. Only defaults that clients can observe and that Ferry's tests rely on.
 */
export function applyDefaults(def: ResourceDef, object: KubeObject, ctx: DefaultsContext): void {
  if (def.group === "" && def.resource !== "pods" && def.resource !== "services") {
    defaultCore(def.resource, object, ctx);
    return;
  }
  const spec =
    typeof object["spec"] === "object" && object["spec"] !== null ? (object["spec"] as Obj) : undefined;
  switch (`${def.group}/${def.resource}`) {
    case "/pods": {
      const podSpec = obj(object, "spec");
      defaultPodSpec(podSpec);
      setDefault(podSpec, "serviceAccountName", "default");
      setDefault(podSpec, "serviceAccount", podSpec["serviceAccountName"]);
      setDefault(podSpec, "enableServiceLinks", true);
      setDefault(podSpec, "preemptionPolicy", "PreemptLowerPriority");
      setDefault(podSpec, "priority", 0);
      object["status"] = { phase: "Pending", qosClass: "BestEffort" };
      return;
    }
    case "/services":
      defaultService(object, ctx);
      return;
    case "apps/deployments":
      if (spec === undefined) return;
      setDefault(spec, "replicas", 1);
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "progressDeadlineSeconds", 600);
      setDefault(spec, "strategy", {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
      });
      defaultTemplate(spec);
      return;
    case "apps/statefulsets":
      if (spec === undefined) return;
      setDefault(spec, "replicas", 1);
      setDefault(spec, "podManagementPolicy", "OrderedReady");
      setDefault(spec, "updateStrategy", { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "persistentVolumeClaimRetentionPolicy", {
        whenDeleted: "Retain",
        whenScaled: "Retain",
      });
      for (const t of (spec["volumeClaimTemplates"] as Obj[] | undefined) ?? []) {
        setDefault(obj(t, "spec"), "volumeMode", "Filesystem");
      }
      defaultTemplate(spec);
      return;
    case "apps/replicasets":
      if (spec === undefined) return;
      setDefault(spec, "replicas", 1);
      defaultTemplate(spec);
      return;
    case "apps/daemonsets":
      if (spec === undefined) return;
      setDefault(spec, "updateStrategy", {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
      });
      setDefault(spec, "revisionHistoryLimit", 10);
      defaultTemplate(spec);
      return;
    case "batch/jobs":
      if (spec !== undefined) defaultJob(object, spec);
      return;
    case "batch/cronjobs":
      if (spec === undefined) return;
      setDefault(spec, "concurrencyPolicy", "Allow");
      setDefault(spec, "suspend", false);
      setDefault(spec, "successfulJobsHistoryLimit", 3);
      setDefault(spec, "failedJobsHistoryLimit", 1);
      defaultTemplate(obj(obj(spec, "jobTemplate"), "spec"));
      return;
    case "storage.k8s.io/storageclasses":
      setDefault(object, "reclaimPolicy", "Delete");
      setDefault(object, "volumeBindingMode", "Immediate");
      return;
    default:
      return;
  }
}

function defaultCore(resource: string, object: KubeObject, ctx: DefaultsContext): void {
  switch (resource) {
    case "namespaces": {
      const labels = (object.metadata.labels ??= {});
      labels["kubernetes.io/metadata.name"] = object.metadata.name ?? "";
      object["spec"] = { finalizers: ["kubernetes"] };
      object["status"] = { phase: "Active" };
      return;
    }
    case "secrets":
      setDefault(object, "type", "Opaque");
      return;
    case "persistentvolumeclaims": {
      const spec = obj(object, "spec");
      setDefault(spec, "volumeMode", "Filesystem");
      // The DefaultStorageClass admission plugin: only when the field is absent, not "".
      if (spec["storageClassName"] === undefined) {
        const name = ctx.defaultStorageClass();
        if (name !== undefined) spec["storageClassName"] = name;
      }
      object["status"] = { phase: "Pending" };
      return;
    }
    case "persistentvolumes": {
      const spec = obj(object, "spec");
      setDefault(spec, "persistentVolumeReclaimPolicy", "Retain");
      setDefault(spec, "volumeMode", "Filesystem");
      object["status"] = { phase: "Pending" };
      return;
    }
    case "replicationcontrollers": {
      const spec = obj(object, "spec");
      setDefault(spec, "replicas", 1);
      defaultTemplate(spec);
      return;
    }
    default:
      return;
  }
}

function defaultService(object: KubeObject, ctx: DefaultsContext): void {
  const spec = obj(object, "spec");
  setDefault(spec, "type", "ClusterIP");
  setDefault(spec, "sessionAffinity", "None");
  if (spec["type"] !== "ExternalName") {
    if (spec["clusterIP"] === undefined || spec["clusterIP"] === "")
      spec["clusterIP"] = ctx.allocateClusterIP();
    setDefault(spec, "clusterIPs", [spec["clusterIP"]]);
    setDefault(spec, "ipFamilies", ["IPv4"]);
    setDefault(spec, "ipFamilyPolicy", "SingleStack");
    setDefault(spec, "internalTrafficPolicy", "Cluster");
  }
  const nodePorts = spec["type"] === "NodePort" || spec["type"] === "LoadBalancer";
  if (nodePorts) setDefault(spec, "externalTrafficPolicy", "Cluster");
  for (const p of (spec["ports"] as Obj[] | undefined) ?? []) {
    setDefault(p, "protocol", "TCP");
    setDefault(p, "targetPort", p["port"]);
    if (nodePorts) setDefault(p, "nodePort", ctx.allocateNodePort());
  }
  object["status"] = { loadBalancer: {} };
}

function defaultJob(object: KubeObject, spec: Obj): void {
  setDefault(spec, "parallelism", 1);
  if (spec["completions"] === undefined && spec["parallelism"] === 1) spec["completions"] = 1;
  setDefault(spec, "backoffLimit", 6);
  setDefault(spec, "completionMode", "NonIndexed");
  setDefault(spec, "suspend", false);
  setDefault(spec, "podReplacementPolicy", "TerminatingOrFailed");
  const uid = object.metadata.uid ?? "";
  const name = object.metadata.name ?? "";
  if (spec["manualSelector"] !== true) {
    spec["selector"] = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
    const template = obj(spec, "template");
    const meta = obj(template, "metadata");
    meta["labels"] = {
      ...(meta["labels"] ?? {}),
      "batch.kubernetes.io/controller-uid": uid,
      "batch.kubernetes.io/job-name": name,
      "controller-uid": uid,
      "job-name": name,
    };
    object.metadata.labels = {
      "batch.kubernetes.io/controller-uid": uid,
      "batch.kubernetes.io/job-name": name,
      "controller-uid": uid,
      "job-name": name,
      ...(object.metadata.labels ?? {}),
    };
  }
  defaultTemplate(spec);
}

/**
 * What the real server does to a Secret on every write: `stringData` is merged into `data`
 * (base64) and dropped, and `data` must be valid base64 (a 400 otherwise).
 */
export function normalizeSecret(object: KubeObject): void {
  const stringData = object["stringData"];
  if (typeof stringData === "object" && stringData !== null) {
    const data = { ...((object["data"] as Record<string, string> | undefined) ?? {}) };
    for (const [key, value] of Object.entries(stringData as Record<string, unknown>)) {
      if (typeof value === "string") data[key] = Buffer.from(value, "utf8").toString("base64");
    }
    object["data"] = data;
    delete object["stringData"];
  }
  for (const [key, value] of Object.entries((object["data"] as Record<string, unknown> | undefined) ?? {})) {
    if (typeof value === "string" && !/^[A-Za-z0-9+/]*={0,2}$/.test(value.replace(/\s/g, ""))) {
      throw badRequest(
        `Secret in version "v1" cannot be handled as a Secret: illegal base64 data in data[${key}]`,
      );
    }
  }
}
