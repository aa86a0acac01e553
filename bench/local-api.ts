/**
 * `npm run bench:local` (`npx tsx bench/local-api.ts`): the local cluster's API over HTTP on
 * loopback, served by the same background process `ferry local up` starts (so the client
 * here does not share the server's event loop). Measures (1) creates per second of ConfigMaps with raw HTTP and keep-alive,
 * 16 in flight, persisted to the state log as in `ferry local up`, and (2) the time to list
 * 10,000 objects (request to parsed JSON), raw HTTP and through @kubernetes/client-node.
 * Goals from issue 3: >= 2,000 creates/s and a 10,000-object list in < 200 ms.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { startDaemon, stopDaemon } from "../src/local/daemon.js";

const OBJECTS = Number(process.env["BENCH_OBJECTS"] ?? 10_000);
const IN_FLIGHT = 16;
const LIST_RUNS = 7;

const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

function call(url: string, method: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers:
          body === undefined
            ? {}
            : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ferry-bench-local-"));
  // Run the daemon from these sources, not a possibly stale dist/.
  process.env["FERRY_FROM_SOURCE"] = "1";
  const { info } = await startDaemon({ dir, clusters: ["bench"] });
  try {
    const cluster = info.clusters[0];
    if (cluster === undefined) throw new Error("cluster did not start");
    const base = cluster.url;
    await call(
      `${base}/api/v1/namespaces`,
      "POST",
      JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } }),
    );

    let next = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < OBJECTS) {
        const i = next++;
        const body = JSON.stringify({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: `cm-${i}`, labels: { app: "bench", shard: String(i % 10) } },
          data: { index: String(i), payload: "x".repeat(200) },
        });
        const res = await call(`${base}/api/v1/namespaces/bench/configmaps`, "POST", body);
        if (res.status !== 201) throw new Error(`create ${i} failed: ${res.status} ${res.text}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const createSeconds = (performance.now() - started) / 1000;

    const rawTimes: number[] = [];
    const wireTimes: number[] = [];
    let listed = 0;
    let bytes = 0;
    for (let run = 0; run < LIST_RUNS; run++) {
      const t = performance.now();
      const res = await call(`${base}/api/v1/namespaces/bench/configmaps`, "GET");
      wireTimes.push(performance.now() - t);
      listed = (JSON.parse(res.text) as { items: unknown[] }).items.length;
      bytes = Buffer.byteLength(res.text);
      rawTimes.push(performance.now() - t);
    }
    const kc = new KubeConfig();
    kc.loadFromFile(info.kubeconfig);
    kc.setCurrentContext("bench");
    const core = kc.makeApiClient(CoreV1Api);
    const clientTimes: number[] = [];
    for (let run = 0; run < LIST_RUNS; run++) {
      const t = performance.now();
      const list = await core.listNamespacedConfigMap({ namespace: "bench" });
      if (list.items.length !== OBJECTS) throw new Error(`client-node listed ${list.items.length}`);
      clientTimes.push(performance.now() - t);
    }
    const selectorTimes: number[] = [];
    for (let run = 0; run < LIST_RUNS; run++) {
      const t = performance.now();
      await call(`${base}/api/v1/namespaces/bench/configmaps?labelSelector=shard%3D3`, "GET");
      selectorTimes.push(performance.now() - t);
    }

    const creates = OBJECTS / createSeconds;
    const list = median(rawTimes);
    process.stdout.write(
      [
        `${OBJECTS} ConfigMap creates over HTTP (keep-alive, ${IN_FLIGHT} in flight, state log on): ${createSeconds.toFixed(2)}s, ${Math.round(creates).toLocaleString("en")} creates/s (goal >= 2,000: ${creates >= 2000 ? "met" : "NOT met"})`,
        `list of ${listed} objects (${(bytes / 1e6).toFixed(1)} MB), request to last byte, median of ${LIST_RUNS}: ${median(wireTimes).toFixed(1)} ms`,
        `list of ${listed} objects, request to parsed JSON, median of ${LIST_RUNS}: ${list.toFixed(1)} ms (goal < 200 ms: ${list < 200 ? "met" : "NOT met"})`,
        `list of ${OBJECTS} objects through client-node CoreV1Api (with its deserialisation), median of ${LIST_RUNS}: ${median(clientTimes).toFixed(1)} ms`,
        `list with labelSelector shard=3 (1,000 of ${OBJECTS}), median of ${LIST_RUNS}: ${median(selectorTimes).toFixed(1)} ms`,
        "",
      ].join("\n"),
    );
  } finally {
    agent.destroy();
    await stopDaemon({ dir });
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
