import { mkdir, rename, rm } from "node:fs/promises";
import type { KubeObject } from "../../api.js";
import { localPaths } from "../../paths.js";
import { isAlreadyExists } from "../runtime/api-errors.js";
import { setCondition, type Condition } from "../runtime/conditions.js";
import { defineController, type Runtime } from "../runtime/controller.js";
import { recordEvent } from "../runtime/events.js";
import { R } from "../runtime/gvr.js";
import { clone, field, isDeleting, keyOf, splitKey } from "../runtime/objects.js";
import { volumeDir } from "../pods/mounts.js";
import { writeStatusIfChanged } from "../workloads/write-status.js";
import { copyTree } from "./copy-tree.js";
import { NO_PROVISIONER, bytes, capacityOf, claimsOf, phaseOf, requestOf } from "./storage.js";

/**
 * The PersistentVolume controller and a hostPath provisioner in one: a PVC of a StorageClass
 * gets a PV named `pvc-<uid>` whose data is a real directory under the cluster's data dir,
 * optionally filled from a VolumeSnapshot or another PVC (`spec.dataSource`); a grown request
 * grows the PV when the class allows expansion.
 */
export const volumeProvisioner = defineController("persistentvolume-binder", (rt) => {
  const { api } = rt.ctx;
  // The last reason each pending claim (by uid) was reported with, so events are not repeated.
  const reported = new Map<string, string>();
  const pvcsInNamespace = (ns: string | undefined): string[] =>
    api
      .list(R.pvcs, ns === undefined ? {} : { namespace: ns })
      .filter((p) => phaseOf(p) !== "Bound")
      .map(keyOf);
  return {
    watches: [
      { gvr: R.pvcs },
      // A Pending claim may be waiting for its class, its first consumer or its snapshot.
      { gvr: R.storageClasses, keys: () => pvcsInNamespace(undefined) },
      {
        gvr: R.pods,
        keys: (e) => claimsOf(e.object).map((c) => `${e.object.metadata.namespace ?? ""}/${c}`),
      },
      { gvr: R.volumeSnapshots, keys: (e) => pvcsInNamespace(e.object.metadata.namespace) },
    ],
    initialKeys: () => api.list(R.pvcs).map(keyOf),
    reconcile: (key) => reconcileClaim(rt, key, reported),
  };
});

/** Keeps a claim Pending and records why, once per claim and reason, not on every reconcile. */
function pending(
  rt: Runtime,
  pvc: KubeObject,
  why: { reason: string; message: string; type: "Normal" | "Warning"; reported: Map<string, string> },
): void {
  writeStatusIfChanged(rt.ctx.api, R.pvcs, pvc, { ...(pvc["status"] ?? {}), phase: "Pending" });
  const uid = pvc.metadata.uid ?? "";
  const text = `${why.reason}: ${why.message}`;
  if (why.reported.get(uid) === text) return;
  why.reported.set(uid, text);
  recordEvent(rt, pvc, { type: why.type, reason: why.reason, message: why.message });
}

async function reconcileClaim(rt: Runtime, key: string, reported: Map<string, string>): Promise<void> {
  const { api } = rt.ctx;
  const { namespace, name } = splitKey(key);
  const pvc = api.get(R.pvcs, namespace, name);
  if (pvc === undefined || isDeleting(pvc)) return;
  const volumeName = field<string>(pvc, "spec", "volumeName");
  const pv = volumeName === undefined ? undefined : api.get(R.pvs, undefined, volumeName);
  if (pv !== undefined) {
    await expand(rt, pvc, pv);
    return;
  }
  const className = field<string>(pvc, "spec", "storageClassName") ?? assignDefaultClass(rt, pvc);
  if (className === undefined || className === "") {
    pending(rt, pvc, {
      reason: "FailedBinding",
      message: "no persistent volumes available for this claim and no storage class is set",
      type: "Normal",
      reported,
    });
    return;
  }
  const sc = api.get(R.storageClasses, undefined, className);
  if (sc === undefined) {
    pending(rt, pvc, {
      reason: "ProvisioningFailed",
      message: `storageclass.storage.k8s.io "${className}" not found`,
      type: "Warning",
      reported,
    });
    return;
  }
  const provisioner = field<string>(sc, "provisioner") ?? "";
  if (provisioner === NO_PROVISIONER) {
    pending(rt, pvc, {
      reason: "FailedBinding",
      message: "no persistent volumes available for this claim and no storage class is set",
      type: "Normal",
      reported,
    });
    return;
  }
  if (field<string>(sc, "volumeBindingMode") === "WaitForFirstConsumer" && !hasConsumer(rt, pvc)) {
    pending(rt, pvc, {
      reason: "WaitForFirstConsumer",
      message: "waiting for first consumer to be created before binding",
      type: "Normal",
      reported,
    });
    return;
  }
  const source = sourceDir(rt, pvc);
  if (source.waiting !== undefined) {
    pending(rt, pvc, { reason: "Provisioning", message: source.waiting, type: "Normal", reported });
    return;
  }
  if (source.failed !== undefined) {
    pending(rt, pvc, { reason: "ProvisioningFailed", message: source.failed, type: "Warning", reported });
    return;
  }
  await provision(rt, pvc, sc, source.dir);
  reported.delete(pvc.metadata.uid ?? "");
}

/** Retroactive default StorageClass assignment, as the PV controller does for claims without a class. */
function assignDefaultClass(rt: Runtime, pvc: KubeObject): string | undefined {
  const defaultClass = rt.ctx.api
    .list(R.storageClasses)
    .find((sc) => sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
  if (defaultClass === undefined) return undefined;
  const assigned = clone(pvc);
  (assigned["spec"] as Record<string, unknown>)["storageClassName"] = defaultClass.metadata.name;
  rt.ctx.api.update(R.pvcs, assigned);
  return undefined;
}

function hasConsumer(rt: Runtime, pvc: KubeObject): boolean {
  return rt.ctx.api
    .list(R.pods, { namespace: pvc.metadata.namespace ?? "" })
    .some((pod) => claimsOf(pod).includes(pvc.metadata.name ?? ""));
}

/** Where a new volume's initial data comes from (`spec.dataSource`), or why it must wait. */
function sourceDir(rt: Runtime, pvc: KubeObject): { dir?: string; waiting?: string; failed?: string } {
  const source =
    field<{ kind?: string; name?: string; apiGroup?: string }>(pvc, "spec", "dataSourceRef") ??
    field<{ kind?: string; name?: string }>(pvc, "spec", "dataSource");
  if (source?.name === undefined) return {};
  const ns = pvc.metadata.namespace;
  if (source.kind === "VolumeSnapshot") {
    const snapshot = rt.ctx.api.get(R.volumeSnapshots, ns, source.name);
    const content = field<string>(snapshot, "status", "boundVolumeSnapshotContentName");
    if (
      snapshot === undefined ||
      content === undefined ||
      field<boolean>(snapshot, "status", "readyToUse") !== true
    ) {
      return { waiting: `waiting for volumesnapshot ${ns ?? ""}/${source.name} to be ready to use` };
    }
    const restoreSize = field<string>(snapshot, "status", "restoreSize");
    if (bytes(requestOf(pvc)) < bytes(restoreSize)) {
      return {
        failed: `requested volume size ${bytes(requestOf(pvc))} is less than the size ${bytes(restoreSize)} for the source snapshot ${source.name}`,
      };
    }
    return { dir: localPaths.snapshot(rt.ctx.dataDir, content) };
  }
  if (source.kind === "PersistentVolumeClaim") {
    const claim = rt.ctx.api.get(R.pvcs, ns, source.name);
    const pvName = field<string>(claim, "spec", "volumeName");
    const pv = pvName === undefined ? undefined : rt.ctx.api.get(R.pvs, undefined, pvName);
    if (pv === undefined)
      return { waiting: `waiting for source persistentvolumeclaim ${source.name} to be bound` };
    return { dir: volumeDir(rt.ctx.dataDir, pv) };
  }
  return {};
}

async function provision(
  rt: Runtime,
  pvc: KubeObject,
  sc: KubeObject,
  source: string | undefined,
): Promise<void> {
  const { api, dataDir } = rt.ctx;
  const pvName = `pvc-${pvc.metadata.uid ?? ""}`;
  const dir = localPaths.volume(dataDir, pvName);
  const provisioner = field<string>(sc, "provisioner") ?? "";
  let pv = api.get(R.pvs, undefined, pvName);
  if (pv === undefined) {
    // Fill a scratch directory and rename it, so a volume is never seen half-restored.
    const partial = `${dir}.partial`;
    await rm(partial, { recursive: true, force: true });
    if (source !== undefined) await copyTree(source, partial);
    else await mkdir(partial, { recursive: true });
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    pv = createVolume(rt, pvc, sc, pvName, dir);
    recordEvent(rt, pvc, {
      reason: "ProvisioningSucceeded",
      message: `Successfully provisioned volume ${pvName}`,
    });
  }
  const bound = clone(pvc);
  bound.metadata.annotations = {
    ...(bound.metadata.annotations ?? {}),
    "pv.kubernetes.io/bind-completed": "yes",
    "pv.kubernetes.io/bound-by-controller": "yes",
    "volume.beta.kubernetes.io/storage-provisioner": provisioner,
    "volume.kubernetes.io/storage-provisioner": provisioner,
  };
  (bound["spec"] as Record<string, unknown>)["volumeName"] = pvName;
  const updated = api.update(R.pvcs, bound);
  writeStatusIfChanged(api, R.pvcs, updated, {
    phase: "Bound",
    accessModes: field<string[]>(pvc, "spec", "accessModes") ?? ["ReadWriteOnce"],
    capacity: { storage: requestOf(pvc) ?? "0" },
  });
  writeStatusIfChanged(api, R.pvs, pv, { phase: "Bound" });
}

function createVolume(rt: Runtime, pvc: KubeObject, sc: KubeObject, pvName: string, dir: string): KubeObject {
  const object: KubeObject = {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: {
      name: pvName,
      annotations: { "pv.kubernetes.io/provisioned-by": field<string>(sc, "provisioner") ?? "" },
      finalizers: ["kubernetes.io/pv-protection"],
    },
    spec: {
      capacity: { storage: requestOf(pvc) ?? "0" },
      accessModes: field<string[]>(pvc, "spec", "accessModes") ?? ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: field<string>(sc, "reclaimPolicy") ?? "Delete",
      storageClassName: sc.metadata.name,
      volumeMode: field<string>(pvc, "spec", "volumeMode") ?? "Filesystem",
      hostPath: { path: dir, type: "DirectoryOrCreate" },
      claimRef: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        namespace: pvc.metadata.namespace,
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
        resourceVersion: pvc.metadata.resourceVersion,
      },
    },
  };
  try {
    return rt.ctx.api.create(R.pvs, object);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    return rt.ctx.api.get(R.pvs, undefined, pvName) ?? object;
  }
}

/**
 * Expansion, as the external resizer and the kubelet do it in two steps: the PV grows and the
 * claim shows FileSystemResizePending; on the next pass the file system "grows" and the claim's
 * capacity follows. Admission (the store) has already refused classes that cannot expand.
 */
async function expand(rt: Runtime, pvc: KubeObject, pv: KubeObject): Promise<void> {
  const { api } = rt.ctx;
  const request = requestOf(pvc);
  const capacity = capacityOf(pvc) ?? field<string>(pv, "spec", "capacity", "storage");
  if (phaseOf(pv) !== "Bound") writeStatusIfChanged(api, R.pvs, pv, { phase: "Bound" });
  if (bytes(request) <= bytes(capacity) || request === undefined) return;
  const status = (pvc["status"] ?? {}) as Record<string, unknown>;
  const conditions = (status["conditions"] ?? []) as Condition[];
  const resizing = conditions.some((c) => c.type === "FileSystemResizePending");
  if (!resizing) {
    if (bytes(field<string>(pv, "spec", "capacity", "storage")) < bytes(request)) {
      const grown = clone(pv);
      (grown["spec"] as { capacity: Record<string, string> }).capacity.storage = request;
      api.update(R.pvs, grown);
    }
    writeStatusIfChanged(api, R.pvcs, pvc, {
      ...status,
      allocatedResources: { storage: request },
      conditions: setCondition(
        conditions,
        {
          type: "FileSystemResizePending",
          status: "True",
          message: "Waiting for user to (re-)start a pod to finish file system resize of volume on node.",
        },
        rt.now(),
      ),
    });
    recordEvent(rt, pvc, {
      reason: "VolumeResizeSuccessful",
      message: `resize volume ${pv.metadata.name ?? ""} to ${request}`,
    });
    rt.queue.add(keyOf(pvc));
    return;
  }
  writeStatusIfChanged(api, R.pvcs, pvc, {
    ...status,
    capacity: { storage: request },
    allocatedResources: { storage: request },
    conditions: conditions.filter((c) => c.type !== "FileSystemResizePending"),
  });
  recordEvent(rt, pvc, {
    reason: "FileSystemResizeSuccessful",
    message: `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata.name ?? ""}"`,
  });
  await Promise.resolve();
}
