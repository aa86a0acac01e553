import type { GroupVersionResource } from "../../api.js";

const gvr = (group: string, version: string, resource: string): GroupVersionResource => ({
  group,
  version,
  resource,
});

/** The resources the simulated controllers read and write. */
export const R = {
  namespaces: gvr("", "v1", "namespaces"),
  nodes: gvr("", "v1", "nodes"),
  pods: gvr("", "v1", "pods"),
  secrets: gvr("", "v1", "secrets"),
  configMaps: gvr("", "v1", "configmaps"),
  events: gvr("", "v1", "events"),
  pvcs: gvr("", "v1", "persistentvolumeclaims"),
  pvs: gvr("", "v1", "persistentvolumes"),
  resourceQuotas: gvr("", "v1", "resourcequotas"),
  deployments: gvr("apps", "v1", "deployments"),
  replicaSets: gvr("apps", "v1", "replicasets"),
  statefulSets: gvr("apps", "v1", "statefulsets"),
  daemonSets: gvr("apps", "v1", "daemonsets"),
  jobs: gvr("batch", "v1", "jobs"),
  cronJobs: gvr("batch", "v1", "cronjobs"),
  storageClasses: gvr("storage.k8s.io", "v1", "storageclasses"),
  volumeSnapshots: gvr("snapshot.storage.k8s.io", "v1", "volumesnapshots"),
  volumeSnapshotContents: gvr("snapshot.storage.k8s.io", "v1", "volumesnapshotcontents"),
  volumeSnapshotClasses: gvr("snapshot.storage.k8s.io", "v1", "volumesnapshotclasses"),
} as const;
