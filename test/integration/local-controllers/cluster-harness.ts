import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
import { startLocalClusters, type LocalClusters } from "../../../src/local/clusters.js";

/** The unit tests' stand-in for the ferry CLI (see test/unit/local-controllers/fixtures). */
export const standInFerry = [
  process.execPath,
  "--import",
  pathToFileURL(join(process.cwd(), "node_modules", "tsx", "dist", "loader.mjs")).href,
  join(process.cwd(), "test", "unit", "local-controllers", "fixtures", "stand-in-ferry.ts"),
];

export interface ClusterHarness {
  readonly dir: string;
  readonly clusters: LocalClusters;
  readonly objects: KubernetesObjectApi;
  kubectl(args: readonly string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

/** One local cluster (east-1) with its controllers, kubectl and client-node pointed at it. */
export async function startClusterHarness(
  options: { ferryCommand?: string[] } = {},
): Promise<ClusterHarness> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-local-controllers-"));
  const clusters = await startLocalClusters({
    dir,
    clusters: ["east-1"],
    ...(options.ferryCommand === undefined ? {} : { ferryCommand: options.ferryCommand }),
  });
  const kc = new KubeConfig();
  kc.loadFromString(clusters.kubeconfig);
  kc.setCurrentContext("east-1");
  const kubectl = (
    args: readonly string[],
    input?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const argv = [
        "--kubeconfig",
        clusters.kubeconfigPath,
        "--context",
        "east-1",
        "--cache-dir",
        join(dir, "kube-cache"),
        ...args,
      ];
      const child = execFile("kubectl", argv, { timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : 1,
          stdout,
          stderr,
        });
      });
      child.stdin?.end(input ?? "");
    });
  return {
    dir,
    clusters,
    objects: KubernetesObjectApi.makeApiClient(kc),
    kubectl,
    close: async () => {
      await clusters.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** kubectl that must succeed: resolves with stdout, rejects with the command and its stderr. */
export async function ok(h: ClusterHarness, args: readonly string[], input?: string): Promise<string> {
  const r = await h.kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
