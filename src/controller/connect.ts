/**
 * Cluster clients for the Cluster manifests of the desired state, through the kubeconfig each
 * connection describes. Clients are kept while a cluster's connection stays the same.
 */
import { KubeClusterClient } from "../cluster/client-node.js";
import { kubeConfigFor, type ConnectionContext } from "../cluster/kubeconfig.js";
import type { ClusterClient } from "../cluster/port.js";
import { errorMessage } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { DesiredState } from "../manifests/types.js";

export type ClusterConnector = (state: DesiredState) => ReadonlyMap<string, ClusterClient>;

/**
 * A connector that caches clients by cluster name and connection. A cluster whose
 * kubeconfig cannot be loaded is left out (the engine reports it unreachable) and logged.
 */
export function clusterConnector(ctx: ConnectionContext, logger: Logger): ClusterConnector {
  const cache = new Map<string, { key: string; client: ClusterClient }>();
  return (state) => {
    const out = new Map<string, ClusterClient>();
    for (const { manifest } of state.list("Cluster")) {
      const name = manifest.metadata.name;
      const key = JSON.stringify(manifest.spec.connection);
      const hit = cache.get(name);
      if (hit !== undefined && hit.key === key) {
        out.set(name, hit.client);
        continue;
      }
      try {
        const client = new KubeClusterClient(name, kubeConfigFor(name, manifest.spec.connection, ctx));
        cache.set(name, { key, client });
        out.set(name, client);
      } catch (e) {
        logger.warn({ cluster: name, error: errorMessage(e) }, "cannot connect to cluster");
      }
    }
    return out;
  };
}
