import { stringify } from "yaml";

/**
 * A kubeconfig with one cluster, user and context per local cluster; contexts are the cluster
 * names. The servers speak plain HTTP on loopback; `insecure-skip-tls-verify` is what lets
 * @kubernetes/client-node (which refuses `http://` otherwise) and kubectl use them unchanged.
 */
export function buildKubeconfig(
  clusters: readonly { name: string; url: string }[],
  currentContext?: string,
): string {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.url, "insecure-skip-tls-verify": true },
    })),
    users: clusters.map((c) => ({ name: `ferry-local-${c.name}`, user: {} })),
    contexts: clusters.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: `ferry-local-${c.name}` },
    })),
    "current-context": currentContext ?? clusters[0]?.name ?? "",
  };
  return stringify(config);
}
