import type { ClusterClient } from "../cluster/port.js";
import { errorMessage } from "../core/errors.js";

/** Connect: the cluster's client when its API answers, or why not. */
export async function reach(
  clusters: ReadonlyMap<string, ClusterClient>,
  cluster: string,
): Promise<{ readonly client?: ClusterClient; readonly problem?: string }> {
  const client = clusters.get(cluster);
  if (client === undefined) return { problem: `no connection is configured for cluster ${cluster}` };
  try {
    await client.serverVersion();
    return { client };
  } catch (e) {
    return { problem: `${cluster} is unreachable: ${errorMessage(e)}` };
  }
}
