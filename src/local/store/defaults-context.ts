import type { KubeObject } from "../api.js";
import type { Obj } from "../plain-object.js";
import type { applyDefaults } from "./defaults.js";

export type DefaultsContext = Parameters<typeof applyDefaults>[2];

/**
 * What defaulting needs from the cluster: the default StorageClass and free ClusterIPs and
 * NodePorts. `objectsOf` gives the stored objects of a storage key.
 */
export function defaultsContext(objectsOf: (key: string) => Iterable<KubeObject>): DefaultsContext {
  return {
    defaultStorageClass: () => {
      for (const sc of objectsOf("storage.k8s.io/storageclasses")) {
        if (sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true")
          return sc.metadata.name;
      }
      return undefined;
    },
    allocateClusterIP: () => {
      const used = new Set(
        [...objectsOf("/services")].map((s) => (s["spec"] as Obj | undefined)?.["clusterIP"]),
      );
      for (;;) {
        const n = 2 + Math.floor(Math.random() * 65000);
        const ip = `10.96.${Math.floor(n / 256)}.${n % 256}`;
        if (!used.has(ip)) return ip;
      }
    },
    allocateNodePort: () => 30000 + Math.floor(Math.random() * 2768),
  };
}
