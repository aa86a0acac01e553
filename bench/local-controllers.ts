/**
 * `npx tsx bench/local-controllers.ts`: what the local clusters' simulated controllers cost.
 * (1) Snapshot copy: `copyTree` (modes, times, symlinks, hard links, holes) against the named
 *     peer `cp -a --sparse=always` (GNU coreutils) on the same tree, median of 3 interleaved runs.
 * (2) Rollout: a Deployment of N replicas created in-process until all pods are Ready and the
 *     Deployment reports them available, with every controller of a local cluster running.
 */
import { execFile } from "node:child_process";
import { link, mkdir, mkdtemp, open, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { startLocalClusters } from "../src/local/clusters.js";
import { copyTree } from "../src/local/controllers/volumes/copy-tree.js";

const run = promisify(execFile);
const REPLICAS = Number(process.env["BENCH_REPLICAS"] ?? 200);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function makeTree(root: string): Promise<void> {
  const block = Buffer.alloc(4096, 7);
  for (let d = 0; d < 20; d++) {
    await mkdir(join(root, `dir-${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) await writeFile(join(root, `dir-${d}`, `file-${f}`), block);
  }
  await writeFile(join(root, "big.bin"), Buffer.alloc(64 * 2 ** 20, 1));
  const sparse = await open(join(root, "sparse.img"), "w");
  await sparse.write(Buffer.alloc(2 ** 20, 2), 0, 2 ** 20, 128 * 2 ** 20);
  await sparse.truncate(256 * 2 ** 20);
  await sparse.close();
  for (let i = 0; i < 50; i++) await link(join(root, "dir-0", `file-${i}`), join(root, `hard-${i}`));
  for (let i = 0; i < 50; i++) await symlink(`dir-1/file-${i}`, join(root, `sym-${i}`));
}

async function snapshotCopy(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "ferry-bench-copy-"));
  try {
    await makeTree(join(root, "src"));
    const ours: number[] = [];
    const peer: number[] = [];
    for (let i = 0; i < 3; i++) {
      let t = performance.now();
      await copyTree(join(root, "src"), join(root, `ours-${i}`));
      ours.push(performance.now() - t);
      t = performance.now();
      await run("cp", ["-a", "--sparse=always", join(root, "src"), join(root, `peer-${i}`)]);
      peer.push(performance.now() - t);
      await rm(join(root, `ours-${i}`), { recursive: true });
      await rm(join(root, `peer-${i}`), { recursive: true });
    }
    const [o, p] = [median(ours), median(peer)];
    console.log(
      "snapshot copy: 2000 × 4 KiB files, 64 MiB file, 256 MiB sparse file (1 MiB data), 50 hard links, 50 symlinks",
    );
    console.log(`  peer cp -a --sparse=always: ${(p / 1000).toFixed(3)}s`);
    console.log(`  copyTree:                   ${(o / 1000).toFixed(3)}s, ${(o / p).toFixed(2)}× peer time`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function rollout(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-bench-rollout-"));
  const clusters = await startLocalClusters({ dir, clusters: ["bench"] });
  try {
    const api = clusters.clusters.get("bench")?.api;
    if (api === undefined) throw new Error("no cluster");
    const gvr = { group: "apps", version: "v1", resource: "deployments" };
    const done = new Promise<void>((resolve) => {
      const stop = api.watch(gvr, (e) => {
        const status = (e.object["status"] ?? {}) as { availableReplicas?: number; updatedReplicas?: number };
        if (status.availableReplicas === REPLICAS && status.updatedReplicas === REPLICAS) {
          stop();
          resolve();
        }
      });
    });
    const t = performance.now();
    api.create(gvr, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "default" },
      spec: {
        replicas: REPLICAS,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "nginx" }] },
        },
      },
    });
    await done;
    const ms = performance.now() - t;
    console.log(
      `rollout: Deployment of ${REPLICAS} replicas to all Ready and available: ${(ms / 1000).toFixed(3)}s (${Math.round((REPLICAS * 1000) / ms)} pods/s)`,
    );
  } finally {
    await clusters.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await snapshotCopy();
await rollout();
