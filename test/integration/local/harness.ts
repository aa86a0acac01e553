import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { startLocalClusters, type LocalClusters } from "../../../src/local/clusters.js";

const run = promisify(execFile);

/** One set of local clusters for a test file, with kubectl and client-node pointed at them. */
export interface Harness {
  dir: string;
  clusters: LocalClusters;
  kubeConfig(context?: string): KubeConfig;
  /** Runs the real kubectl against a context; resolves with stdout, rejects with stderr. */
  kubectl(args: readonly string[], options?: { context?: string; input?: string }): Promise<string>;
  /** Like kubectl, but resolves with the exit code and both streams. */
  kubectlResult(
    args: readonly string[],
    options?: { context?: string; input?: string },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { clusters?: string[]; controllers?: boolean } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-local-"));
  const clusters = await startLocalClusters({
    dir,
    clusters: options.clusters ?? ["east-1"],
    controllers: options.controllers ?? false,
  });
  const cacheDir = join(dir, "kube-cache");
  const kubectlResult = async (
    args: readonly string[],
    opts: { context?: string; input?: string } = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> => {
    const argv = [
      "--kubeconfig",
      clusters.kubeconfigPath,
      "--context",
      opts.context ?? "east-1",
      "--cache-dir",
      cacheDir,
      ...args,
    ];
    return new Promise((resolve) => {
      const child = execFile("kubectl", argv, { timeout: 30_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      });
      if (opts.input !== undefined) child.stdin?.end(opts.input);
      else child.stdin?.end();
    });
  };
  return {
    dir,
    clusters,
    kubeConfig(context = "east-1") {
      const kc = new KubeConfig();
      kc.loadFromString(clusters.kubeconfig);
      kc.setCurrentContext(context);
      return kc;
    },
    kubectlResult,
    async kubectl(args, opts = {}) {
      const r = await kubectlResult(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    async close() {
      await clusters.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const kubectlAvailable = async (): Promise<boolean> => {
  try {
    await run("kubectl", ["version", "--client"]);
    return true;
  } catch {
    return false;
  }
};

/** Polls `check` until it returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
