import type { KubeObject } from "./api.js";
import type { ClusterStore } from "./store/cluster-store.js";

/** The provisioner of the local clusters' default StorageClass (a directory per volume). */
export const LOCAL_PROVISIONER = "local.ferry.dev/hostpath";
/** The CSI driver name of the default VolumeSnapshotClass. */
export const LOCAL_SNAPSHOT_DRIVER = LOCAL_PROVISIONER;

const NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** The node every local cluster has: one, Ready, so `kubectl get nodes` looks like a cluster. */
export const nodeName = (cluster: string): string => `${cluster}-control-plane`;

/**
 * What a fresh cluster contains, as kubeadm/kind would leave it: the system namespaces, one
 * Ready node, the `kubernetes` service, the default `standard` StorageClass (expandable) and a
 * default VolumeSnapshotClass. Only what is missing is created, so restarts keep user edits.
 */
export function seedCluster(store: ClusterStore): void {
  const ensure = (group: string, version: string, resource: string, object: KubeObject): void => {
    const def = store.registry.find(group, version, resource);
    if (
      def === undefined ||
      store.peek(def, object.metadata.namespace, object.metadata.name ?? "") !== undefined
    )
      return;
    store.create(def, object.metadata.namespace, object, { fieldManager: "ferry-local" });
  };
  for (const name of NAMESPACES)
    ensure("", "v1", "namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  const node = nodeName(store.clusterName);
  ensure("", "v1", "nodes", {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node,
      labels: {
        "kubernetes.io/hostname": node,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node-role.kubernetes.io/control-plane": "",
        "topology.kubernetes.io/region": store.clusterName,
        "topology.kubernetes.io/zone": `${store.clusterName}-a`,
      },
    },
    spec: {},
  });
  const nodeDef = store.registry.find("", "v1", "nodes");
  const nodeObject = nodeDef === undefined ? undefined : store.peek(nodeDef, undefined, node);
  if (nodeDef !== undefined && nodeObject !== undefined && nodeObject["status"] === undefined) {
    const now = store.clock.now().toISOString().slice(0, 19) + "Z";
    const capacity = { cpu: "8", memory: "32Gi", pods: "110", "ephemeral-storage": "100Gi" };
    store.update(
      nodeDef,
      undefined,
      node,
      {
        ...nodeObject,
        status: {
          capacity,
          allocatable: capacity,
          conditions: [
            {
              type: "Ready",
              status: "True",
              reason: "KubeletReady",
              message: "kubelet is posting ready status",
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
          ],
          addresses: [
            { type: "InternalIP", address: "127.0.0.1" },
            { type: "Hostname", address: node },
          ],
          nodeInfo: {
            kubeletVersion: "v1.32.0",
            kubeProxyVersion: "v1.32.0",
            containerRuntimeVersion: "ferry-local://1",
            operatingSystem: "linux",
            architecture: "amd64",
            osImage: "Ferry local cluster",
            kernelVersion: "",
            machineID: "",
            systemUUID: "",
            bootID: "",
          },
        },
      },
      { subresource: "status", fieldManager: "ferry-local" },
    );
  }
  ensure("", "v1", "services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { component: "apiserver", provider: "kubernetes" },
    },
    spec: {
      clusterIP: "10.96.0.1",
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
    },
  });
  ensure("storage.k8s.io", "v1", "storageclasses", {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: LOCAL_PROVISIONER,
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
    allowVolumeExpansion: true,
  });
  ensure("snapshot.storage.k8s.io", "v1", "volumesnapshotclasses", {
    apiVersion: "snapshot.storage.k8s.io/v1",
    kind: "VolumeSnapshotClass",
    metadata: {
      name: "standard-snapshot",
      annotations: { "snapshot.storage.kubernetes.io/is-default-class": "true" },
    },
    driver: LOCAL_SNAPSHOT_DRIVER,
    deletionPolicy: "Delete",
  });
}
