import { join } from "node:path";

/**
 * Where a local cluster keeps what lives outside its object store. Shared by the server
 * (which serves pod logs) and the controllers (which write volumes and logs).
 */
export const localPaths = {
  /** The object store's persisted state. */
  state: (dataDir: string): string => join(dataDir, "state"),
  /** A provisioned PersistentVolume's data directory. */
  volume: (dataDir: string, pvName: string): string => join(dataDir, "volumes", pvName),
  /** A VolumeSnapshotContent's copy of its volume. */
  snapshot: (dataDir: string, contentName: string): string => join(dataDir, "snapshots", contentName),
  /** A pod's log (all containers interleaved, as the runner wrote them). */
  podLog: (dataDir: string, namespace: string, pod: string): string =>
    join(dataDir, "logs", namespace, `${pod}.log`),
};
