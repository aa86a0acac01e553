import { rename, rm } from "node:fs/promises";
import { relative, isAbsolute } from "node:path";
import type { KubeObject } from "../../api.js";
import { localPaths } from "../../paths.js";
import { deleteIfExists, isAlreadyExists } from "../runtime/api-errors.js";
import { defineController, kubeTime, type Runtime } from "../runtime/controller.js";
import { recordEvent } from "../runtime/events.js";
import { R } from "../runtime/gvr.js";
import { field, isDeleting, keyOf, splitKey } from "../runtime/objects.js";
import { volumeDir } from "../pods/mounts.js";
import { writeStatusIfChanged } from "../workloads/write-status.js";
import { copyTree } from "./copy-tree.js";
import { parseQuantity } from "../runtime/quantity.js";
import { capacityOf, phaseOf } from "./storage.js";

/** Label: VolumeSnapshots that share its value are taken together, at one instant. */
export const GROUP_LABEL = "ferry.dev/group-snapshot";
/** Annotation: how many snapshots the group has; the group waits until all of them exist. */
export const GROUP_SIZE = "ferry.dev/group-snapshot-size";
/** Without a size, a group is taken once no new member has appeared for this long. */
const GROUP_SETTLE_MS = 200;
const CONTENT_PREFIX = "content:";

const contentNameOf = (snapshot: KubeObject): string => `snapcontent-${snapshot.metadata.uid ?? ""}`;

const isUnder = (dir: string, parent: string): boolean => {
  const rel = relative(parent, dir);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
};

interface Planned {
  snapshot: KubeObject;
  pvName: string;
  dir: string;
  capacity: string;
  className: string;
  driver: string;
  deletionPolicy: string;
}

/**
 * The snapshot controller and a CSI-like snapshotter for hostPath volumes: a VolumeSnapshot of
 * a bound PVC gets a VolumeSnapshotContent and a copy of the volume's directory, taken while
 * the processes of pods writing that volume are paused (SIGSTOP), so the copy is one instant
 * for everything the cluster runs. Snapshots labelled `ferry.dev/group-snapshot=<id>` are
 * copied together in one step, all volumes before any writer resumes.
 */
export const volumeSnapshots = defineController("snapshot-controller", (rt) => {
  const firstSeen = new Map<string, number>();
  const goneContents = new Map<string, string>();
  // Snapshots are taken one step at a time: two members of a group must not both copy it.
  let taking: Promise<void> = Promise.resolve();
  const serially = (task: () => Promise<void>): Promise<void> => {
    const next = taking.then(task);
    taking = next.catch(() => undefined);
    return next;
  };
  return {
    watches: [
      { gvr: R.volumeSnapshots },
      {
        gvr: R.volumeSnapshotContents,
        keys: (e) => {
          if (e.type === "DELETED") {
            goneContents.set(
              e.object.metadata.name ?? "",
              field<string>(e.object, "spec", "deletionPolicy") ?? "Delete",
            );
          }
          return [`${CONTENT_PREFIX}${e.object.metadata.name ?? ""}`];
        },
      },
      {
        gvr: R.volumeSnapshots,
        keys: (e) => {
          const content = field<string>(e.object, "status", "boundVolumeSnapshotContentName");
          return e.type === "DELETED" && content !== undefined ? [`${CONTENT_PREFIX}${content}`] : [];
        },
      },
      // A snapshot waiting for its claim to bind is retried when claims change.
      {
        gvr: R.pvcs,
        keys: (e) =>
          rt.ctx.api
            .list(R.volumeSnapshots, { namespace: e.object.metadata.namespace ?? "" })
            .filter((s) => field<boolean>(s, "status", "readyToUse") !== true)
            .map(keyOf),
      },
    ],
    initialKeys: () => [
      ...rt.ctx.api.list(R.volumeSnapshots).map(keyOf),
      ...rt.ctx.api.list(R.volumeSnapshotContents).map((c) => `${CONTENT_PREFIX}${c.metadata.name ?? ""}`),
    ],
    reconcile: async (key) => {
      if (key.startsWith(CONTENT_PREFIX)) {
        await reconcileContent(rt, key.slice(CONTENT_PREFIX.length), goneContents);
        return;
      }
      await serially(() => reconcileSnapshot(rt, key, firstSeen));
    },
  };
});

function fail(rt: Runtime, snapshot: KubeObject, message: string): void {
  const status = (snapshot["status"] ?? {}) as Record<string, unknown>;
  const previous = field<string>(status, "error", "message");
  writeStatusIfChanged(rt.ctx.api, R.volumeSnapshots, snapshot, {
    ...status,
    readyToUse: false,
    error: { message, time: previous === message ? field<string>(status, "error", "time") : rt.now() },
  });
  if (previous !== message)
    recordEvent(rt, snapshot, { type: "Warning", reason: "SnapshotPending", message });
}

async function reconcileSnapshot(rt: Runtime, key: string, firstSeen: Map<string, number>): Promise<void> {
  const { api } = rt.ctx;
  const { namespace, name } = splitKey(key);
  const snapshot = api.get(R.volumeSnapshots, namespace, name);
  if (snapshot === undefined || isDeleting(snapshot)) return;
  if (field<string>(snapshot, "status", "boundVolumeSnapshotContentName") !== undefined) return;
  const preProvisioned = field<string>(snapshot, "spec", "source", "volumeSnapshotContentName");
  if (preProvisioned !== undefined) {
    bindExisting(rt, snapshot, preProvisioned);
    return;
  }
  const group = snapshot.metadata.labels?.[GROUP_LABEL];
  let members = [snapshot];
  if (group !== undefined) {
    members = api
      .list(R.volumeSnapshots, { namespace: namespace ?? "", labelSelector: `${GROUP_LABEL}=${group}` })
      .filter(
        (s) => !isDeleting(s) && field<string>(s, "status", "boundVolumeSnapshotContentName") === undefined,
      );
    const size = Number(snapshot.metadata.annotations?.[GROUP_SIZE] ?? "0");
    const groupKey = `${namespace ?? ""}/${group}/${members.length}`;
    if (size > 0 && members.length < size) return;
    if (size === 0) {
      // No size given: wait until the group has stopped growing.
      const seen = firstSeen.get(groupKey);
      if (seen === undefined) {
        firstSeen.set(groupKey, rt.clock.now().getTime());
        rt.queue.addAfter(key, GROUP_SETTLE_MS);
        return;
      }
      if (rt.clock.now().getTime() - seen < GROUP_SETTLE_MS) return;
      firstSeen.delete(groupKey);
    }
  }
  const planned: Planned[] = [];
  for (const member of members) {
    const plan = planSnapshot(rt, member);
    if (typeof plan === "string") {
      fail(rt, member, plan);
      return;
    }
    planned.push(plan);
  }
  await takeTogether(rt, planned);
}

/** Resolves a snapshot's claim, volume and class, or says why it cannot be taken yet. */
function planSnapshot(rt: Runtime, snapshot: KubeObject): Planned | string {
  const { api } = rt.ctx;
  const claim = field<string>(snapshot, "spec", "source", "persistentVolumeClaimName");
  if (claim === undefined) return "spec.source needs persistentVolumeClaimName or volumeSnapshotContentName";
  const pvc = api.get(R.pvcs, snapshot.metadata.namespace, claim);
  if (pvc === undefined)
    return `failed to get input parameters to create snapshot: persistentvolumeclaims "${claim}" not found`;
  const pvName = field<string>(pvc, "spec", "volumeName");
  const pv = pvName === undefined ? undefined : api.get(R.pvs, undefined, pvName);
  if (pv === undefined || phaseOf(pvc) !== "Bound") return `the source claim ${claim} is not bound yet`;
  const named = field<string>(snapshot, "spec", "volumeSnapshotClassName");
  const snapshotClass =
    named === undefined
      ? api
          .list(R.volumeSnapshotClasses)
          .find((c) => c.metadata.annotations?.["snapshot.storage.kubernetes.io/is-default-class"] === "true")
      : api.get(R.volumeSnapshotClasses, undefined, named);
  if (snapshotClass === undefined) {
    return named === undefined
      ? "cannot find default snapshot class"
      : `failed to get snapshot class with error volumesnapshotclass.snapshot.storage.k8s.io "${named}" not found`;
  }
  return {
    snapshot,
    pvName: pv.metadata.name ?? "",
    dir: volumeDir(rt.ctx.dataDir, pv),
    capacity: capacityOf(pvc) ?? field<string>(pv, "spec", "capacity", "storage") ?? "0",
    className: snapshotClass.metadata.name ?? "",
    driver: field<string>(snapshotClass, "driver") ?? "",
    deletionPolicy: field<string>(snapshotClass, "deletionPolicy") ?? "Delete",
  };
}

/**
 * Copies every planned volume in one step: writers of any of them are paused first and
 * resumed only after the last copy, so all copies show the same instant.
 */
async function takeTogether(rt: Runtime, planned: readonly Planned[]): Promise<void> {
  const processes = rt.ctx.node.processes;
  const writers = processes.usersOf((spec) =>
    spec.hostDirs.some((d) => planned.some((p) => isUnder(d, p.dir) || isUnder(p.dir, d))),
  );
  const instant = rt.clock.now();
  processes.signal(writers, "SIGSTOP");
  try {
    for (const p of planned) {
      const target = localPaths.snapshot(rt.ctx.dataDir, contentNameOf(p.snapshot));
      await rm(`${target}.partial`, { recursive: true, force: true });
      await copyTree(p.dir, `${target}.partial`);
      await rm(target, { recursive: true, force: true });
      await rename(`${target}.partial`, target);
    }
  } finally {
    processes.signal(writers, "SIGCONT");
  }
  for (const p of planned) bind(rt, p, instant);
}

function bind(rt: Runtime, p: Planned, instant: Date): void {
  const { api } = rt.ctx;
  const contentName = contentNameOf(p.snapshot);
  let content: KubeObject;
  try {
    content = api.create(R.volumeSnapshotContents, {
      apiVersion: "snapshot.storage.k8s.io/v1",
      kind: "VolumeSnapshotContent",
      metadata: { name: contentName },
      spec: {
        volumeSnapshotRef: {
          apiVersion: "snapshot.storage.k8s.io/v1",
          kind: "VolumeSnapshot",
          name: p.snapshot.metadata.name,
          namespace: p.snapshot.metadata.namespace,
          uid: p.snapshot.metadata.uid,
        },
        source: { volumeHandle: p.pvName },
        driver: p.driver,
        deletionPolicy: p.deletionPolicy,
        volumeSnapshotClassName: p.className,
      },
    });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    content = api.get(R.volumeSnapshotContents, undefined, contentName) as KubeObject;
  }
  writeStatusIfChanged(api, R.volumeSnapshotContents, content, {
    snapshotHandle: contentName,
    creationTime: instant.getTime() * 1_000_000,
    readyToUse: true,
    restoreSize: parseQuantity(p.capacity) ?? 0,
  });
  const latest = api.get(R.volumeSnapshots, p.snapshot.metadata.namespace, p.snapshot.metadata.name ?? "");
  if (latest === undefined) return;
  writeStatusIfChanged(api, R.volumeSnapshots, latest, {
    boundVolumeSnapshotContentName: contentName,
    creationTime: kubeTime(instant),
    readyToUse: true,
    restoreSize: p.capacity,
  });
  recordEvent(rt, latest, {
    reason: "SnapshotReady",
    message: `Snapshot ${latest.metadata.namespace ?? ""}/${latest.metadata.name ?? ""} is ready to use.`,
  });
}

/** A snapshot naming an existing content (pre-provisioned) binds to it. */
function bindExisting(rt: Runtime, snapshot: KubeObject, contentName: string): void {
  const content = rt.ctx.api.get(R.volumeSnapshotContents, undefined, contentName);
  if (content === undefined) {
    fail(rt, snapshot, `volumesnapshotcontent "${contentName}" not found`);
    return;
  }
  const creation = field<number>(content, "status", "creationTime");
  writeStatusIfChanged(rt.ctx.api, R.volumeSnapshots, snapshot, {
    boundVolumeSnapshotContentName: contentName,
    readyToUse: field<boolean>(content, "status", "readyToUse") ?? false,
    ...(creation === undefined ? {} : { creationTime: kubeTime(new Date(creation / 1_000_000)) }),
  });
}

/** A content whose snapshot is gone is deleted (Delete policy); a deleted content's copy goes too. */
async function reconcileContent(rt: Runtime, name: string, gone: Map<string, string>): Promise<void> {
  const { api } = rt.ctx;
  const content = api.get(R.volumeSnapshotContents, undefined, name);
  if (content === undefined) {
    const policy = gone.get(name);
    gone.delete(name);
    if (policy === "Delete")
      await rm(localPaths.snapshot(rt.ctx.dataDir, name), { recursive: true, force: true });
    return;
  }
  const ref = field<{ name?: string; namespace?: string; uid?: string }>(
    content,
    "spec",
    "volumeSnapshotRef",
  );
  if (ref?.name === undefined) return;
  const snapshot = api.get(R.volumeSnapshots, ref.namespace, ref.name);
  const snapshotGone = snapshot === undefined || (ref.uid !== undefined && snapshot.metadata.uid !== ref.uid);
  if (snapshotGone && field<string>(content, "spec", "deletionPolicy") === "Delete") {
    deleteIfExists(api, R.volumeSnapshotContents, undefined, name);
  }
}
