/**
 * The Kubernetes objects the driver reads and writes — claims, VolumeSnapshots, Jobs,
 * Secrets — reached only through the ClusterClient port, as ordinary API objects.
 */
import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { KubeObject, ObjectRef, ResourceType } from "../engine/kube-object.js";
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from "../engine/ferry-metadata.js";
import { parseQuantity } from "../engine/quantity.js";

export const GROUP_SNAPSHOT_LABEL = "ferry.dev/group-snapshot";
export const GROUP_SNAPSHOT_SIZE = "ferry.dev/group-snapshot-size";

export const TYPES = {
  claim: {
    group: "",
    version: "v1",
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    namespaced: true,
  },
  snapshot: {
    group: "snapshot.storage.k8s.io",
    version: "v1",
    kind: "VolumeSnapshot",
    plural: "volumesnapshots",
    namespaced: true,
  },
  job: { group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true },
} as const satisfies Record<string, ResourceType>;

export function claimRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name };
}

export function snapshotRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshot", namespace, name };
}

export function jobRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: "batch/v1", kind: "Job", namespace, name };
}

/** A claim's requested size in bytes (what the user asked for), 0 when unreadable. */
export function requestedBytes(claim: KubeObject): number {
  const text = (claim["spec"] as { resources?: { requests?: { storage?: string } } } | undefined)?.resources
    ?.requests?.storage;
  if (text === undefined) return 0;
  const parsed = parseQuantity(text);
  return parsed.ok ? parsed.value : 0;
}

/** A claim's requested size as written (`1Gi`). */
export function requestedSize(claim: KubeObject): string | undefined {
  return (claim["spec"] as { resources?: { requests?: { storage?: string } } } | undefined)?.resources
    ?.requests?.storage;
}

export function storageClassOf(claim: KubeObject): string | undefined {
  return (claim["spec"] as { storageClassName?: string } | undefined)?.storageClassName;
}

export function claimCapacityBytes(claim: KubeObject): number {
  const text = (claim["status"] as { capacity?: { storage?: string } } | undefined)?.capacity?.storage;
  if (text === undefined) return 0;
  const parsed = parseQuantity(text);
  return parsed.ok ? parsed.value : 0;
}

const managed = (labels: Readonly<Record<string, string>>): Record<string, string> => ({
  ...labels,
  [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
});

export interface GroupMember {
  readonly claim: string;
  readonly snapshot: string;
}

export interface TakenSnapshot {
  readonly snapshot: string;
  readonly creationTime: string;
  readonly restoreSize?: string;
}

/**
 * VolumeSnapshots of every member claim, labelled as one group so the cluster takes them at
 * one instant (all writers paused together), and waits until all are readyToUse. Snapshots
 * that exist already (a resumed cycle) are kept, never taken twice.
 */
export async function takeGroupSnapshot(options: {
  readonly client: ClusterClient;
  readonly namespace: string;
  readonly group: string;
  readonly members: readonly GroupMember[];
  readonly labels: Readonly<Record<string, string>>;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}): Promise<TakenSnapshot[]> {
  const { client, namespace, members } = options;
  const labels = managed({ ...options.labels, [GROUP_SNAPSHOT_LABEL]: options.group });
  await Promise.all(
    members.map(async (m) => {
      if ((await client.get(snapshotRef(namespace, m.snapshot))) !== undefined) return;
      await client.create({
        apiVersion: "snapshot.storage.k8s.io/v1",
        kind: "VolumeSnapshot",
        metadata: {
          name: m.snapshot,
          namespace,
          labels,
          annotations: { [GROUP_SNAPSHOT_SIZE]: String(members.length) },
        },
        spec: { source: { persistentVolumeClaimName: m.claim } },
      });
    }),
  );
  const deadline = options.clock.now().getTime() + (options.timeoutMs ?? 600_000);
  for (;;) {
    const snapshots = await Promise.all(members.map((m) => client.get(snapshotRef(namespace, m.snapshot))));
    const statuses = snapshots.map(
      (s) =>
        s?.["status"] as
          | {
              readyToUse?: boolean;
              creationTime?: string;
              restoreSize?: string | number;
              error?: { message?: string };
            }
          | undefined,
    );
    if (statuses.every((s) => s?.readyToUse === true)) {
      return members.map((m, i) => {
        const s = statuses[i];
        return {
          snapshot: m.snapshot,
          creationTime: s?.creationTime ?? options.clock.now().toISOString(),
          ...(s?.restoreSize === undefined ? {} : { restoreSize: String(s.restoreSize) }),
        };
      });
    }
    const missing = members.find((_, i) => snapshots[i] === undefined);
    if (missing !== undefined) {
      throw new FerryError(
        "Aborted",
        `VolumeSnapshot ${namespace}/${missing.snapshot} on ${client.name} was deleted`,
      );
    }
    if (options.clock.now().getTime() > deadline) {
      const failing = statuses.find((s) => s?.error?.message !== undefined)?.error?.message;
      throw new FerryError(
        "Timeout",
        `VolumeSnapshots of group ${options.group} on ${client.name} not ready${failing === undefined ? "" : `: ${failing}`}`,
      );
    }
    await options.clock.sleep(100, options.signal);
  }
}

/** A claim filled from a VolumeSnapshot (the cluster copies the data before binding it). */
export function claimFromSnapshot(options: {
  readonly namespace: string;
  readonly name: string;
  readonly snapshot: string;
  readonly size: string;
  readonly storageClass?: string;
  readonly labels: Readonly<Record<string, string>>;
}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: options.name, namespace: options.namespace, labels: managed(options.labels) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: options.size } },
      ...(options.storageClass === undefined ? {} : { storageClassName: options.storageClass }),
      dataSource: { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: options.snapshot },
    },
  };
}

/** Creates `object` unless an object of that name exists (resumed steps re-use theirs). */
export async function ensureCreated(client: ClusterClient, object: KubeObject): Promise<void> {
  const ref = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
  };
  if ((await client.get(ref)) === undefined) await client.create(object);
}

/** Deletes every object of `type` in `namespace` matching `selector` (Background propagation). */
export async function deleteAll(
  client: ClusterClient,
  type: ResourceType,
  namespace: string,
  selector: string,
): Promise<number> {
  const objects = await client.list(type, { namespace, labelSelector: selector });
  await Promise.all(
    objects.map((o) =>
      client.delete(
        {
          apiVersion: type.group === "" ? type.version : `${type.group}/${type.version}`,
          kind: type.kind,
          namespace,
          name: o.metadata.name,
        },
        { propagationPolicy: "Background" },
      ),
    ),
  );
  return objects.length;
}

/** Applies the Secret holding the mover's secret environment; undefined when it needs none. */
export async function ensureMoverSecret(options: {
  readonly client: ClusterClient;
  readonly namespace: string;
  readonly name: string;
  readonly values: Readonly<Record<string, string>>;
}): Promise<string | undefined> {
  if (Object.keys(options.values).length === 0) return undefined;
  await options.client.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: options.name, namespace: options.namespace, labels: managed({}) },
    type: "Opaque",
    stringData: { ...options.values },
  });
  return options.name;
}
