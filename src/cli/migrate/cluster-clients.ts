/**
 * The composition root's cluster adapters: a KubeClusterClient per cluster a Migration names,
 * from its Cluster manifest (`kubeConfigFor`), or from `--kubeconfig` (context = cluster name)
 * when the repo has no manifest for it.
 */
import { existsSync } from "node:fs";
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeClusterClient } from "../../cluster/client-node.js";
import { kubeConfigFor } from "../../cluster/kubeconfig.js";
import type { ClusterClient } from "../../cluster/port.js";
import { FerryError } from "../../core/errors.js";
import type { Cluster } from "../../manifests/types.js";

export interface ClusterClientOptions {
  readonly names: readonly string[];
  readonly manifests: ReadonlyMap<string, Cluster>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly baseDir: string;
  readonly localKubeconfig: string;
  readonly kubeconfig?: string;
}

export function buildClusterClients(options: ClusterClientOptions): Map<string, ClusterClient> {
  const clients = new Map<string, ClusterClient>();
  for (const name of new Set(options.names)) {
    const manifest = options.manifests.get(name);
    let kc: KubeConfig;
    if (manifest !== undefined) {
      kc = kubeConfigFor(name, manifest.spec.connection, options);
    } else if (options.kubeconfig !== undefined) {
      kc = kubeConfigFor(name, { kubeconfig: { path: options.kubeconfig, context: name } }, options);
    } else if (existsSync(options.localKubeconfig)) {
      kc = kubeConfigFor(name, { local: { name } }, options);
    } else {
      throw new FerryError(
        "Invalid",
        `cluster ${name}: no Cluster manifest in the repo's clusters/, and no --kubeconfig with a context named ${name}`,
        { data: { cluster: name } },
      );
    }
    clients.set(name, new KubeClusterClient(name, kc));
  }
  return clients;
}
