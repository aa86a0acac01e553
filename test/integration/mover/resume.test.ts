import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { backup } from "../../../src/mover/backup.js";
import { restore } from "../../../src/mover/restore.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import { CountingStore } from "./counting-store.js";
import { describeTree } from "./fixture.js";

const MiB = 1024 * 1024;

async function makeSource(src: string, mib: number): Promise<void> {
  await mkdir(src, { recursive: true });
  for (let i = 0; i < mib / 4; i++) await writeFile(join(src, `part-${i}.bin`), randomBytes(4 * MiB));
}

async function countFiles(dir: string): Promise<number> {
  try {
    // Temporary files are writes in flight (the filesystem store renames them when complete).
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile() && !e.name.startsWith(".ferry-tmp-")).length;
  } catch {
    return 0;
  }
}

async function sizeOfFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && !e.name.startsWith(".ferry-tmp-"));
  const sizes = await Promise.all(files.map(async (e) => (await stat(join(e.parentPath, e.name))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

describe("interrupted backup", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-resume-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("aborted mid-transfer leaves no snapshot; the resumed run sends only the rest", async () => {
    const src = join(dir, "src");
    await makeSource(src, 16);
    const store = new CountingStore(new FsObjectStore({ root: join(dir, "repo"), fsync: false }));
    const key = deriveKey("resume");
    const abort = new AbortController();
    store.onPut = (k) => {
      if (k.startsWith("packs/") && store.puts("packs/") >= 5) abort.abort();
    };
    const failure = await backup({ store, key, source: src, packSize: MiB, signal: abort.signal }).catch(
      (e: unknown) => e,
    );
    expect(isFerryError(failure, "Aborted")).toBe(true);
    expect(await countFiles(join(dir, "repo", "snapshots"))).toBe(0);
    const sentBefore = store.bytes("packs/");
    // Five packs of up to 1 MiB were sent (chunks of 128 KiB – 2 MiB fill them unevenly).
    expect(store.puts("packs/")).toBeGreaterThanOrEqual(5);
    expect(sentBefore).toBeGreaterThanOrEqual(2 * MiB);

    store.onPut = undefined;
    store.reset();
    const resumed = await backup({ store, key, source: src, packSize: MiB });
    // The second run sends what the first did not, plus at most the pack that was being filled.
    expect(resumed.snapshot.stats.chunkBytesNew + sentBefore).toBeLessThanOrEqual(16 * MiB + 2 * MiB);
    expect(store.bytes("packs/")).toBeLessThanOrEqual(16 * MiB - sentBefore + 2 * MiB);
    await restore({ store, key, snapshot: resumed.snapshotId, target: join(dir, "target") });
    expect((await describeTree(join(dir, "target"))).entries).toEqual((await describeTree(src)).entries);
  });

  it("killed with SIGKILL (the CLI) leaves no snapshot; the next run reads the orphan packs and skips their chunks", async () => {
    const src = join(dir, "src");
    await makeSource(src, 48);
    const repo = join(dir, "repo");
    const root = resolve(import.meta.dirname, "../../..");
    const child = spawn(
      process.execPath,
      [
        join(root, "bin", "ferry.js"),
        "mover",
        "backup",
        "--repo",
        repo,
        "--source",
        src,
        "--pack-size",
        "1",
        "--json",
      ],
      {
        env: { ...process.env, FERRY_REPOSITORY_KEY: "kill test" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const exited = new Promise<NodeJS.Signals | number | null>((done) =>
      child.on("exit", (code, signal) => done(signal ?? code)),
    );
    // Watch the repository until a few packs are complete, then kill the mover outright.
    let packs = 0;
    for (let i = 0; i < 3000 && packs < 4; i++) {
      await new Promise((r) => setTimeout(r, 10));
      packs = await countFiles(join(repo, "packs"));
    }
    child.kill("SIGKILL");
    expect({ exit: await exited, stderr }).toEqual({ exit: "SIGKILL", stderr: "" });
    expect(await countFiles(join(repo, "snapshots"))).toBe(0);
    const orphanPacks = await countFiles(join(repo, "packs"));
    expect(orphanPacks).toBeGreaterThanOrEqual(4);
    const orphanBytes = await sizeOfFiles(join(repo, "packs"));

    const store = new CountingStore(new FsObjectStore({ root: repo, fsync: false }));
    const key = deriveKey("kill test");
    const resumed = await backup({ store, key, source: src, packSize: MiB });
    // Chunks in the orphan packs were not sent again (a pack holds a little more than its
    // chunks: its trailer, and a nonce and tag per chunk).
    expect(resumed.snapshot.stats.chunkBytesNew).toBeLessThanOrEqual(48 * MiB - 0.99 * orphanBytes);
    await restore({ store, key, snapshot: resumed.snapshotId, target: join(dir, "target") });
    expect((await describeTree(join(dir, "target"))).entries).toEqual((await describeTree(src)).entries);
  });
});
