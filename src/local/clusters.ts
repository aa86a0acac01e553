import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import { LocalCluster } from "./cluster.js";
import { buildKubeconfig } from "./kubeconfig.js";
import { ModelCatalog } from "./schema/models.js";

/** The clusters of the example repository's `clusters/`. */
export const DEFAULT_CLUSTERS = ["east-1", "west-1", "west-2", "dev-1"] as const;
/** Where `ferry local up` keeps its state when `--dir` is not given. */
export const DEFAULT_DIR = ".ferry/local";

export interface StartLocalClustersOptions {
  /** The state directory: one sub-directory per cluster, the kubeconfig and the ports. */
  dir: string;
  clusters?: readonly string[];
  /** argv prefix that runs Ferry (default: this Node and bin/ferry.js of this checkout). */
  ferryCommand?: readonly string[];
  logger?: Logger;
  clock?: Clock;
  /** Run the simulated controllers (default true). */
  controllers?: boolean;
  /** Ports to prefer per cluster (default: those of the last run, kept in `ports.json`). */
  ports?: Readonly<Record<string, number>>;
}

export interface LocalClusters {
  kubeconfigPath: string;
  kubeconfig: string;
  clusters: Map<string, LocalCluster>;
  /** Stops every cluster (state is kept on disk). */
  stop(): Promise<void>;
}

/** `[node, <repo>/bin/ferry.js]`: how a local Job runs Ferry's own image. */
export function defaultFerryCommand(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/local or dist/local → the repository root is two levels up.
  return [process.execPath, resolve(here, "..", "..", "bin", "ferry.js")];
}

const portsFile = (dir: string): string => join(dir, "ports.json");

function previousPorts(dir: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(portsFile(dir), "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * Starts local clusters in this process and writes `DIR/kubeconfig` with a context per
 * cluster. Ports are kept stable across runs when they are free. This is what
 * `ferry local up` runs in its background process, and what tests call directly.
 */
export async function startLocalClusters(options: StartLocalClustersOptions): Promise<LocalClusters> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const names = options.clusters ?? DEFAULT_CLUSTERS;
  const ports = { ...previousPorts(dir), ...(options.ports ?? {}) };
  const catalog = new ModelCatalog();
  const clusters = new Map<string, LocalCluster>();
  const logger = options.logger ?? silentLogger;
  try {
    for (const name of names) {
      const port = ports[name];
      const cluster = await LocalCluster.start({
        name,
        dataDir: join(dir, name),
        ...(port === undefined ? {} : { port }),
        catalog,
        ferryCommand: options.ferryCommand ?? defaultFerryCommand(),
        logger,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.controllers === undefined ? {} : { controllers: options.controllers }),
      });
      clusters.set(name, cluster);
    }
  } catch (e) {
    await Promise.all([...clusters.values()].map((c) => c.stop()));
    throw e;
  }
  const kubeconfig = buildKubeconfig([...clusters.values()].map((c) => ({ name: c.name, url: c.url })));
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  writeFileSync(
    portsFile(dir),
    JSON.stringify(Object.fromEntries([...clusters].map(([n, c]) => [n, c.port])), null, 2),
  );
  return {
    kubeconfigPath,
    kubeconfig,
    clusters,
    stop: async () => {
      await Promise.all([...clusters.values()].map((c) => c.stop()));
    },
  };
}
