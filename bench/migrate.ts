/**
 * `npm run bench:migrate`: Ferry's migration of a 2,000-object namespace to two targets,
 * against the peer `kubectl get <types> -n bench -o json | kubectl apply -f -` to two other
 * fresh targets, on the same set of local clusters in the same run.
 *
 * Both sides copy the same objects (ConfigMaps, Secrets, Services, Deployments) from
 * east-1; each side writes two targets at once. Ferry's time includes everything a run
 * does: discovery, export, pre-checks, the backup written to (and read back from) a folder
 * repository, and both restores. kubectl's includes creating the namespace it needs.
 */
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { KubeClusterClient } from "../src/cluster/client-node.js";
import { kubeConfigFor } from "../src/cluster/kubeconfig.js";
import type { ClusterClient } from "../src/cluster/port.js";
import { systemClock } from "../src/core/clock.js";
import type { KubeObject } from "../src/engine/kube-object.js";
import { runMigration } from "../src/engine/run/index.js";
import { startLocalClusters } from "../src/local/clusters.js";
import { openReplicationRepository } from "../src/repository/repository.js";

const OBJECTS = Number(process.env["BENCH_OBJECTS"] ?? 2_000);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
/** Fresh targets every round: two for Ferry, two for kubectl. */
const targetsOf = (round: number): { ferry: string[]; kubectl: string[] } => ({
  ferry: [`ferry-${round}a`, `ferry-${round}b`],
  kubectl: [`kubectl-${round}a`, `kubectl-${round}b`],
});
const CLUSTERS = [
  "east-1",
  ...Array.from({ length: ROUNDS }, (_, r) => [...targetsOf(r).ferry, ...targetsOf(r).kubectl]).flat(),
];
const TYPES = "configmaps,secrets,services,deployments";

function seedObjects(n: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < n; i += 1) {
    const name = `app-${String(i).padStart(5, "0")}`;
    const labels = { app: name, tier: i % 2 === 0 ? "front" : "back" };
    const meta = { name, namespace: "bench", labels };
    switch (i % 5) {
      case 0:
      case 1:
        out.push({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: meta,
          data: { "app.properties": `id=${i}\n`.repeat(20) },
        });
        break;
      case 2:
        out.push({
          apiVersion: "v1",
          kind: "Secret",
          metadata: meta,
          type: "Opaque",
          data: { token: Buffer.from(`secret-${i}`).toString("base64") },
        });
        break;
      case 3:
        out.push({
          apiVersion: "v1",
          kind: "Service",
          metadata: meta,
          spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
        });
        break;
      default:
        out.push({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: meta,
          spec: {
            replicas: 2,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: { containers: [{ name: "app", image: "nginx:1.27", ports: [{ containerPort: 8080 }] }] },
            },
          },
        });
    }
  }
  return out;
}

function sh(command: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      ["-o", "pipefail", "-c", command],
      { env, maxBuffer: 512 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error === null ? resolve(stdout) : reject(new Error(`${command}: ${stderr}`)),
    );
  });
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const value = await f();
  return [Number(process.hrtime.bigint() - start) / 1e9, value];
}

/**
 * The clusters run in a child process, as `ferry local up` runs them: the API servers then
 * get their own event loop (and core), for Ferry and kubectl alike, instead of sharing one
 * with the Ferry run being measured.
 */
async function serve(dir: string): Promise<void> {
  const local = await startLocalClusters({ dir, clusters: CLUSTERS, controllers: false });
  process.stdout.write(`${local.kubeconfigPath}\n`);
  process.stdin.resume();
  await once(process.stdin, "end");
  await local.stop();
}

async function startClusterProcess(dir: string): Promise<{ kubeconfigPath: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, "--serve", dir], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const kubeconfigPath = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
    });
    child.once("exit", (code) => reject(new Error(`cluster process exited with ${String(code)}`)));
  });
  return {
    kubeconfigPath,
    stop: async () => {
      child.stdin.end();
      await once(child, "exit");
    },
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-bench-migrate-"));
  const local = await startClusterProcess(join(dir, "local"));
  try {
    const clients = new Map<string, ClusterClient>();
    for (const name of CLUSTERS) {
      const kc = kubeConfigFor(
        name,
        { local: { name } },
        { env: {}, baseDir: dir, localKubeconfig: local.kubeconfigPath },
      );
      clients.set(name, new KubeClusterClient(name, kc));
    }
    const source = clients.get("east-1") as ClusterClient;
    await source.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } });
    const limit = pLimit(16);
    await Promise.all(seedObjects(OBJECTS).map((o) => limit(() => source.create(o))));
    const env = { ...process.env, KUBECONFIG: local.kubeconfigPath };
    const cache = `--cache-dir ${join(dir, "kube-cache")}`;

    // `--validate=false`: applying a List makes kubectl fetch /openapi/v2, which the local
    // clusters do not serve (they serve v3). It only removes work from the peer.
    const peer = (target: string): string =>
      `kubectl ${cache} --context ${target} create namespace bench >/dev/null && ` +
      `kubectl ${cache} --context east-1 get ${TYPES} -n bench -o json | kubectl ${cache} --context ${target} apply --validate=false -f - >/dev/null`;
    const repository = await openReplicationRepository(
      { filesystem: { path: join(dir, "repo") } },
      { env: {}, baseDir: dir, clock: systemClock, create: true },
    );
    const runKubectl = async (round: number): Promise<number> => {
      const [seconds] = await timed(() => Promise.all(targetsOf(round).kubectl.map((t) => sh(peer(t), env))));
      return seconds;
    };
    const runFerry = async (round: number): Promise<number> => {
      const [seconds, result] = await timed(() =>
        runMigration({
          migration: {
            metadata: { name: "bench" },
            spec: {
              fleet: "bench",
              source: { cluster: "east-1" },
              targets: targetsOf(round).ferry.map((cluster) => ({ cluster })),
              namespaces: ["bench"],
              startApplications: true,
              repository: "default",
              prechecks: { remediation: "manual" },
            },
          },
          clusters: clients,
          repository,
          clock: systemClock,
          ...(process.env["BENCH_WRITE"] === undefined
            ? {}
            : { concurrency: { write: Number(process.env["BENCH_WRITE"]) } }),
        }),
      );
      if (result.status.phase !== "Completed")
        throw new Error(`ferry run ended ${result.status.phase}: ${result.status.message ?? ""}`);
      return seconds;
    };
    const ferryTimes: number[] = [];
    const kubectlTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate who goes first, so neither always meets a warmer (or more tired) server.
      if (round % 2 === 0) {
        kubectlTimes.push(await runKubectl(round));
        ferryTimes.push(await runFerry(round));
      } else {
        ferryTimes.push(await runFerry(round));
        kubectlTimes.push(await runKubectl(round));
      }
    }
    repository.close();

    // Both sides must have written the same objects.
    const count = async (target: string): Promise<number> =>
      Number(
        (await sh(`kubectl ${cache} --context ${target} get ${TYPES} -n bench -o name | wc -l`, env)).trim(),
      );
    const all = [...Array(ROUNDS).keys()].flatMap((r) => [...targetsOf(r).ferry, ...targetsOf(r).kubectl]);
    const counts = await Promise.all(all.map(count));
    if (counts.some((c) => c !== OBJECTS)) throw new Error(`object counts differ: ${counts.join(", ")}`);

    const written = OBJECTS * 2;
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const show = (xs: number[]): string => xs.map((x) => `${x.toFixed(2)}s`).join(" ");
    const f = median(ferryTimes);
    const k = median(kubectlTimes);
    const ratio = f / k;
    console.log(
      `bench:migrate — ${OBJECTS} objects (${TYPES}) from east-1 to two fresh targets per side, ${ROUNDS} rounds; 2 CPUs, load average ${loadavg()[0]?.toFixed(1)}`,
    );
    console.log(
      `ferry   runMigration (export, pre-checks, backup, 2 restores)  median ${f.toFixed(2)}s  ${Math.round(written / f)} objects/s  (${show(ferryTimes)})`,
    );
    console.log(
      `kubectl get -o json | kubectl apply -f - (2 at once)           median ${k.toFixed(2)}s  ${Math.round(written / k)} objects/s  (${show(kubectlTimes)})`,
    );
    console.log(
      `ratio   ferry/kubectl median time ${ratio.toFixed(2)}  ${ratio <= 0.5 ? "MEETS" : "MISSES"} the goal (≤ 0.50)`,
    );
  } finally {
    await local.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--serve") await serve(process.argv[3] ?? "");
else await main();
