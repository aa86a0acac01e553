/**
 * Local clusters, cluster clients, a replication repository and the real kubectl for
 * migration tests: one environment per test file, torn down in afterAll.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeClusterClient } from "../../src/cluster/client-node.js";
import { kubeConfigFor } from "../../src/cluster/kubeconfig.js";
import type { ClusterClient } from "../../src/cluster/port.js";
import { systemClock } from "../../src/core/clock.js";
import type { KubeObject } from "../../src/engine/kube-object.js";
import { startLocalClusters, type LocalClusters } from "../../src/local/clusters.js";
import { localPaths } from "../../src/local/paths.js";
import type { ReplicationRepositorySpec } from "../../src/manifests/types.js";
import { openReplicationRepository, type Repository } from "../../src/repository/repository.js";

export interface MigrationEnv {
  readonly dir: string;
  readonly local: LocalClusters;
  readonly clients: Map<string, ClusterClient>;
  kubectl(context: string, args: readonly string[], input?: string): Promise<string>;
  /** `kubectl get -o json` items. */
  getJson(context: string, args: readonly string[]): Promise<KubeObject[]>;
  /** The local volume directory behind a bound claim (tests only: product code never reads it). */
  claimDir(cluster: string, namespace: string, claim: string): Promise<string>;
  openRepository(
    spec: ReplicationRepositorySpec,
    env?: Record<string, string>,
  ): Promise<Repository & { close(): void }>;
  close(): Promise<void>;
}

export async function startMigrationEnv(
  clusters: readonly string[],
  options: { controllers?: boolean } = {},
): Promise<MigrationEnv> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-migrate-"));
  const local = await startLocalClusters({
    dir: join(dir, "local"),
    clusters,
    controllers: options.controllers ?? true,
  });
  const clients = new Map<string, ClusterClient>();
  for (const name of clusters) {
    const kc = kubeConfigFor(
      name,
      { local: { name } },
      {
        env: {},
        baseDir: dir,
        localKubeconfig: local.kubeconfigPath,
      },
    );
    clients.set(name, new KubeClusterClient(name, kc));
  }
  const cacheDir = join(dir, "kube-cache");
  const kubectl = (context: string, args: readonly string[], input?: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = execFile(
        "kubectl",
        ["--kubeconfig", local.kubeconfigPath, "--context", context, "--cache-dir", cacheDir, ...args],
        { timeout: 60_000, maxBuffer: 256 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error === null) resolve(stdout);
          else reject(new Error(`kubectl ${args.join(" ")} on ${context} failed: ${stderr}`));
        },
      );
      child.stdin?.end(input ?? "");
    });
  const repos: (() => void)[] = [];
  return {
    dir,
    local,
    clients,
    kubectl,
    async getJson(context, args) {
      const out = JSON.parse(await kubectl(context, ["get", ...args, "-o", "json"])) as {
        items?: KubeObject[];
      } & KubeObject;
      return out.items ?? [out];
    },
    async claimDir(cluster, namespace, claim) {
      const out = JSON.parse(
        await kubectl(cluster, ["get", `pvc/${claim}`, "-n", namespace, "-o", "json"]),
      ) as {
        spec?: { volumeName?: string };
      };
      const volume = out.spec?.volumeName;
      const localCluster = local.clusters.get(cluster);
      if (volume === undefined || localCluster === undefined) {
        throw new Error(`${namespace}/${claim} on ${cluster} is not bound`);
      }
      return localPaths.volume(localCluster.dataDir, volume);
    },
    async openRepository(spec, env = {}) {
      const repo = await openReplicationRepository(spec, {
        env,
        baseDir: dir,
        clock: systemClock,
        create: true,
      });
      repos.push(repo.close);
      return repo;
    },
    async close() {
      for (const close of repos) close();
      await local.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
