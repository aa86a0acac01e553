import { builtinColumns } from "./columns.js";
import type { ResourceDef, ScaleSpec } from "./types.js";

interface Entry {
  resource: string;
  kind: string;
  model: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
  scale?: boolean;
  generation?: boolean;
  orphan?: boolean;
  returnDeleted?: boolean;
  extra?: string[];
}

const replicasScale: ScaleSpec = {
  specReplicasPath: "spec.replicas",
  statusReplicasPath: "status.replicas",
  labelSelectorPath: "spec.selector",
};

const ALL = ["all"];

/** Built-in group/versions and their resources, as a v1.32 API server serves them. */
const groups: { group: string; version: string; entries: Entry[] }[] = [
  {
    group: "",
    version: "v1",
    entries: [
      {
        resource: "namespaces",
        kind: "Namespace",
        model: "V1Namespace",
        namespaced: false,
        shortNames: ["ns"],
        status: true,
        generation: false,
        returnDeleted: true,
      },
      {
        resource: "configmaps",
        kind: "ConfigMap",
        model: "V1ConfigMap",
        shortNames: ["cm"],
        generation: false,
      },
      { resource: "secrets", kind: "Secret", model: "V1Secret", generation: false },
      {
        resource: "services",
        kind: "Service",
        model: "V1Service",
        shortNames: ["svc"],
        categories: ALL,
        status: true,
        returnDeleted: true,
      },
      {
        resource: "serviceaccounts",
        kind: "ServiceAccount",
        model: "V1ServiceAccount",
        shortNames: ["sa"],
        generation: false,
      },
      {
        resource: "pods",
        kind: "Pod",
        model: "V1Pod",
        shortNames: ["po"],
        categories: ALL,
        status: true,
        returnDeleted: true,
        extra: ["log"],
      },
      {
        resource: "persistentvolumeclaims",
        kind: "PersistentVolumeClaim",
        model: "V1PersistentVolumeClaim",
        shortNames: ["pvc"],
        status: true,
        returnDeleted: true,
      },
      {
        resource: "persistentvolumes",
        kind: "PersistentVolume",
        model: "V1PersistentVolume",
        namespaced: false,
        shortNames: ["pv"],
        status: true,
        returnDeleted: true,
      },
      { resource: "events", kind: "Event", model: "CoreV1Event", shortNames: ["ev"], generation: false },
      {
        resource: "resourcequotas",
        kind: "ResourceQuota",
        model: "V1ResourceQuota",
        shortNames: ["quota"],
        status: true,
      },
      { resource: "limitranges", kind: "LimitRange", model: "V1LimitRange", shortNames: ["limits"] },
      {
        resource: "endpoints",
        kind: "Endpoints",
        model: "V1Endpoints",
        shortNames: ["ep"],
        generation: false,
      },
      {
        resource: "nodes",
        kind: "Node",
        model: "V1Node",
        namespaced: false,
        shortNames: ["no"],
        status: true,
        generation: false,
        returnDeleted: true,
      },
      {
        resource: "replicationcontrollers",
        kind: "ReplicationController",
        model: "V1ReplicationController",
        shortNames: ["rc"],
        categories: ALL,
        status: true,
        scale: true,
      },
      { resource: "podtemplates", kind: "PodTemplate", model: "V1PodTemplate", generation: false },
    ],
  },
  {
    group: "apps",
    version: "v1",
    entries: [
      {
        resource: "deployments",
        kind: "Deployment",
        model: "V1Deployment",
        shortNames: ["deploy"],
        categories: ALL,
        status: true,
        scale: true,
      },
      {
        resource: "statefulsets",
        kind: "StatefulSet",
        model: "V1StatefulSet",
        shortNames: ["sts"],
        categories: ALL,
        status: true,
        scale: true,
      },
      {
        resource: "replicasets",
        kind: "ReplicaSet",
        model: "V1ReplicaSet",
        shortNames: ["rs"],
        categories: ALL,
        status: true,
        scale: true,
      },
      {
        resource: "daemonsets",
        kind: "DaemonSet",
        model: "V1DaemonSet",
        shortNames: ["ds"],
        categories: ALL,
        status: true,
      },
      { resource: "controllerrevisions", kind: "ControllerRevision", model: "V1ControllerRevision" },
    ],
  },
  {
    group: "batch",
    version: "v1",
    entries: [
      { resource: "jobs", kind: "Job", model: "V1Job", categories: ALL, status: true, orphan: true },
      {
        resource: "cronjobs",
        kind: "CronJob",
        model: "V1CronJob",
        shortNames: ["cj"],
        categories: ALL,
        status: true,
        orphan: true,
      },
    ],
  },
  {
    group: "autoscaling",
    version: "v2",
    entries: [
      {
        resource: "horizontalpodautoscalers",
        kind: "HorizontalPodAutoscaler",
        model: "V2HorizontalPodAutoscaler",
        shortNames: ["hpa"],
        categories: ALL,
        status: true,
      },
    ],
  },
  {
    group: "policy",
    version: "v1",
    entries: [
      {
        resource: "poddisruptionbudgets",
        kind: "PodDisruptionBudget",
        model: "V1PodDisruptionBudget",
        shortNames: ["pdb"],
        status: true,
      },
    ],
  },
  {
    group: "storage.k8s.io",
    version: "v1",
    entries: [
      {
        resource: "storageclasses",
        kind: "StorageClass",
        model: "V1StorageClass",
        namespaced: false,
        shortNames: ["sc"],
        generation: false,
      },
    ],
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    entries: [
      { resource: "roles", kind: "Role", model: "V1Role", generation: false },
      { resource: "rolebindings", kind: "RoleBinding", model: "V1RoleBinding", generation: false },
      {
        resource: "clusterroles",
        kind: "ClusterRole",
        model: "V1ClusterRole",
        namespaced: false,
        generation: false,
      },
      {
        resource: "clusterrolebindings",
        kind: "ClusterRoleBinding",
        model: "V1ClusterRoleBinding",
        namespaced: false,
        generation: false,
      },
    ],
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    entries: [
      { resource: "ingresses", kind: "Ingress", model: "V1Ingress", shortNames: ["ing"], status: true },
      {
        resource: "networkpolicies",
        kind: "NetworkPolicy",
        model: "V1NetworkPolicy",
        shortNames: ["netpol"],
      },
      { resource: "ingressclasses", kind: "IngressClass", model: "V1IngressClass", namespaced: false },
    ],
  },
  {
    group: "coordination.k8s.io",
    version: "v1",
    entries: [{ resource: "leases", kind: "Lease", model: "V1Lease", generation: false }],
  },
  {
    group: "snapshot.storage.k8s.io",
    version: "v1",
    entries: [
      {
        resource: "volumesnapshots",
        kind: "VolumeSnapshot",
        model: "VolumeSnapshot",
        shortNames: ["vs"],
        status: true,
      },
      {
        resource: "volumesnapshotcontents",
        kind: "VolumeSnapshotContent",
        model: "VolumeSnapshotContent",
        namespaced: false,
        shortNames: ["vsc", "vscs"],
        status: true,
      },
      {
        resource: "volumesnapshotclasses",
        kind: "VolumeSnapshotClass",
        model: "VolumeSnapshotClass",
        namespaced: false,
        shortNames: ["vsclass", "vsclasses"],
      },
    ],
  },
  {
    group: "apiextensions.k8s.io",
    version: "v1",
    entries: [
      {
        resource: "customresourcedefinitions",
        kind: "CustomResourceDefinition",
        model: "V1CustomResourceDefinition",
        namespaced: false,
        shortNames: ["crd", "crds"],
        categories: ["api-extensions"],
        status: true,
        returnDeleted: true,
      },
    ],
  },
];

/** The built-in resources, one definition per group/version/resource. */
export function builtinResources(): ResourceDef[] {
  return groups.flatMap(({ group, version, entries }) =>
    entries.map((e): ResourceDef => {
      const columns = builtinColumns[e.resource];
      return {
        group,
        version,
        resource: e.resource,
        kind: e.kind,
        listKind: `${e.kind}List`,
        singular: e.kind.toLowerCase(),
        namespaced: e.namespaced ?? true,
        shortNames: e.shortNames ?? [],
        categories: e.categories ?? [],
        status: e.status ?? false,
        ...(e.scale === true ? { scale: replicasScale } : {}),
        model: e.model,
        generation: e.generation ?? true,
        defaultPropagation: e.orphan === true ? "Orphan" : "Background",
        returnDeletedObject: e.returnDeleted ?? false,
        ...(columns === undefined ? {} : { columns }),
        ...(e.extra === undefined ? {} : { extraSubresources: e.extra }),
      };
    }),
  );
}
