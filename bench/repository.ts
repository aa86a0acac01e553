/**
 * `npx tsx bench/repository.ts`: how fast the replication repository takes objects.
 *
 * 1. FsObjectStore puts (4 KiB objects under 256 fan-out folders, 16 in flight), with and
 *    without fsync, against the peer `fs.writeFile` of the same files (no temp file, no
 *    fsync, no rename: the floor the atomic write is measured against).
 * 2. A backup of 2,000 Kubernetes resources (the benchmark size) written to, and
 *    read back from, a folder and s3rver, encrypted, with the time a resumed backup takes
 *    when everything is already stored.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pLimit from "p-limit";
import { systemClock } from "../src/core/clock.js";
import type { StoredResource } from "../src/repository/backup-manifest.js";
import { deriveKey } from "../src/repository/crypto.js";
import { FsObjectStore } from "../src/repository/fs-store.js";
import type { ObjectStore } from "../src/repository/object-store.js";
import { initRepository } from "../src/repository/repository.js";
import { S3ObjectStore } from "../src/repository/s3-store.js";
import { S3RVER_CREDENTIALS, startS3rver } from "../test/helpers/s3rver.js";

const OBJECTS = Number(process.env["BENCH_OBJECTS"] ?? 5_000);
const RESOURCES = Number(process.env["BENCH_RESOURCES"] ?? 2_000);
const IN_FLIGHT = 16;
const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);

async function timed(f: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function keys(n: number): { key: string; data: Buffer }[] {
  return Array.from({ length: n }, () => {
    const id = randomBytes(32).toString("hex");
    return { key: `objects/${id.slice(0, 2)}/${id}`, data: randomBytes(4096) };
  });
}

async function putAll(
  objects: { key: string; data: Buffer }[],
  put: (k: string, d: Buffer) => Promise<void>,
) {
  const limit = pLimit(IN_FLIGHT);
  await Promise.all(objects.map((o) => limit(() => put(o.key, o.data))));
}

function resources(n: number): StoredResource[] {
  const kinds = [
    ["v1", "ConfigMap"],
    ["v1", "Secret"],
    ["v1", "Service"],
    ["apps/v1", "Deployment"],
  ] as const;
  return Array.from({ length: n }, (_, i) => {
    const [apiVersion, kind] = kinds[i % kinds.length] ?? kinds[0];
    return {
      apiVersion,
      kind,
      metadata: { name: `obj-${i}`, namespace: `ns-${i % 4}`, labels: { app: `app-${i % 50}` } },
      data: { config: `key=value-${i}\n`.repeat(20) },
    };
  });
}

async function backupBench(name: string, store: ObjectStore): Promise<string> {
  const key = deriveKey("bench key");
  const repo = await initRepository(store, { key, clock: systemClock });
  const input = resources(RESOURCES);
  const write = await timed(() =>
    repo.backups.writeBackup({
      name: "bench",
      sourceCluster: "east-1",
      startedAt: new Date(),
      resources: input,
    }),
  );
  const again = await timed(() =>
    repo.backups.writeBackup({
      name: "bench-2",
      sourceCluster: "east-1",
      startedAt: new Date(),
      resources: input,
    }),
  );
  let count = 0;
  const read = await timed(async () => {
    for await (const _ of (await repo.backups.readBackup("bench")).resources()) count += 1;
  });
  if (count !== RESOURCES) throw new Error(`read ${count} of ${RESOURCES}`);
  const rate = (s: number): string => `${Math.round(RESOURCES / s).toLocaleString("en")}/s`;
  return `${name}: write ${write.toFixed(3)}s (${rate(write)}), unchanged re-backup ${again.toFixed(3)}s, read ${read.toFixed(3)}s (${rate(read)})`;
}

const root = await mkdtemp(join(tmpdir(), "ferry-bench-repo-"));
const s3 = await startS3rver(["bench"]);
try {
  const lines: string[] = [];
  // Interleaved runs into fresh folders, median reported: the machine is shared and the
  // first run pays for cold caches.
  const times: Record<"peer" | "nosync" | "fsync", number[]> = { peer: [], nosync: [], fsync: [] };
  for (let run = 0; run < RUNS; run += 1) {
    const made = new Set<string>();
    times.peer.push(
      await timed(() =>
        putAll(keys(OBJECTS), async (key, data) => {
          const file = join(root, `peer-${run}`, key);
          const dir = dirname(file);
          if (!made.has(dir)) {
            await mkdir(dir, { recursive: true });
            made.add(dir);
          }
          await writeFile(file, data);
        }),
      ),
    );
    const unsynced = new FsObjectStore({ root: join(root, `nosync-${run}`), fsync: false });
    times.nosync.push(await timed(() => putAll(keys(OBJECTS), (k, d) => unsynced.put(k, d))));
    const synced = new FsObjectStore({ root: join(root, `fsync-${run}`) });
    times.fsync.push(await timed(() => putAll(keys(OBJECTS), (k, d) => synced.put(k, d))));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const peer = median(times.peer);
  const nosync = median(times.nosync);
  const fsync = median(times.fsync);
  const rate = (s: number): string => `${Math.round(OBJECTS / s).toLocaleString("en")} puts/s`;
  lines.push(`${OBJECTS} × 4 KiB puts, ${IN_FLIGHT} in flight, median of ${RUNS} interleaved runs`);
  lines.push(`  peer fs.writeFile (not atomic, no fsync): ${peer.toFixed(3)}s, ${rate(peer)}`);
  lines.push(
    `  FsObjectStore fsync=false: ${nosync.toFixed(3)}s, ${rate(nosync)}, ${(nosync / peer).toFixed(2)}× peer time`,
  );
  lines.push(
    `  FsObjectStore fsync=true:  ${fsync.toFixed(3)}s, ${rate(fsync)}, ${(fsync / peer).toFixed(2)}× peer time`,
  );
  lines.push(`backup of ${RESOURCES} resources, encrypted, gzip:`);
  lines.push(`  ${await backupBench("filesystem", new FsObjectStore({ root: join(root, "repo") }))}`);
  const s3store = new S3ObjectStore({
    bucket: "bench",
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });
  lines.push(`  ${await backupBench("s3rver", s3store)}`);
  s3store.destroy();
  console.log(lines.join("\n"));
} finally {
  await s3.stop();
  await rm(root, { recursive: true, force: true });
}
