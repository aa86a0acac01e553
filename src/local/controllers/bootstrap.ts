import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubeObject } from "../api.js";
import { isAlreadyExists } from "./runtime/api-errors.js";
import { defineController, type Runtime } from "./runtime/controller.js";
import { R } from "./runtime/gvr.js";
import { LOCAL_PROVISIONER } from "./volumes/storage.js";

/** The default StorageClass and VolumeSnapshotClass every new local cluster starts with. */
export const DEFAULT_STORAGE_CLASS = "standard";
export const DEFAULT_SNAPSHOT_CLASS = "standard-snapshot";

/** A marker under the data dir: the defaults are made once, so a user may delete them for good. */
const markerPath = (dataDir: string): string => join(dataDir, "controllers", "bootstrapped");

function ensure(rt: Runtime, gvr: (typeof R)[keyof typeof R], object: KubeObject): void {
  try {
    rt.ctx.api.create(gvr, object);
  } catch (err) {
    if (!isAlreadyExists(err))
      rt.log.warn({ kind: object.kind, err: String(err) }, "could not create default object");
  }
}

/**
 * Registers the cluster's single Node (Ready, on loopback) and, on a new cluster, a default
 * StorageClass `standard` (hostPath volumes, Delete, expandable) and VolumeSnapshotClass.
 */
export const bootstrap = defineController("bootstrap", (rt) => ({
  watches: [{ gvr: R.nodes, keys: (e) => (e.type === "DELETED" ? ["node"] : []) }],
  initialKeys: () => ["node", "defaults"],
  reconcile: async (key) => {
    if (key === "node") {
      registerNode(rt);
      return;
    }
    const marker = markerPath(rt.ctx.dataDir);
    if ((await readFile(marker, "utf8").catch(() => undefined)) !== undefined) return;
    ensure(rt, R.storageClasses, {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: {
        name: DEFAULT_STORAGE_CLASS,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: LOCAL_PROVISIONER,
      reclaimPolicy: "Delete",
      volumeBindingMode: "Immediate",
      allowVolumeExpansion: true,
    });
    ensure(rt, R.volumeSnapshotClasses, {
      apiVersion: "snapshot.storage.k8s.io/v1",
      kind: "VolumeSnapshotClass",
      metadata: {
        name: DEFAULT_SNAPSHOT_CLASS,
        annotations: { "snapshot.storage.kubernetes.io/is-default-class": "true" },
      },
      driver: LOCAL_PROVISIONER,
      deletionPolicy: "Delete",
    });
    await mkdir(join(rt.ctx.dataDir, "controllers"), { recursive: true });
    await writeFile(marker, `${rt.now()}\n`);
  },
}));

/** Creates the Node (the store drops status on create, as the real server does) and posts its status. */
function registerNode(rt: Runtime): void {
  const desired = nodeObject(rt);
  ensure(rt, R.nodes, desired);
  const node = rt.ctx.api.get(R.nodes, undefined, desired.metadata.name ?? "");
  if (node !== undefined) rt.ctx.api.updateStatus(R.nodes, { ...node, status: desired["status"] });
}

function nodeObject(rt: Runtime): KubeObject {
  const now = rt.now();
  const node = rt.ctx.node;
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      labels: {
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": process.platform,
        "kubernetes.io/arch": process.arch === "x64" ? "amd64" : process.arch,
        "node-role.kubernetes.io/control-plane": "",
        "topology.kubernetes.io/region": rt.ctx.clusterName,
        "topology.kubernetes.io/zone": rt.ctx.clusterName,
      },
    },
    spec: { podCIDR: "10.244.0.0/16" },
    status: {
      capacity: { cpu: "8", memory: "32Gi", pods: "110", "ephemeral-storage": "100Gi" },
      allocatable: { cpu: "8", memory: "32Gi", pods: "110", "ephemeral-storage": "100Gi" },
      addresses: [
        { type: "InternalIP", address: node.hostIP },
        { type: "Hostname", address: node.name },
      ],
      conditions: [
        condition(
          "MemoryPressure",
          "False",
          "KubeletHasSufficientMemory",
          "kubelet has sufficient memory available",
        ),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
      ],
      nodeInfo: {
        kubeletVersion: "v1.32.0-ferry",
        containerRuntimeVersion: "ferry://local",
        operatingSystem: process.platform,
        architecture: process.arch === "x64" ? "amd64" : process.arch,
        osImage: "Ferry local cluster",
        kernelVersion: "",
        machineID: "",
        systemUUID: "",
        bootID: "",
        kubeProxyVersion: "",
      },
    },
  };
}
