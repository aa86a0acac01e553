import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveKey, type RepositoryKey } from "../../../src/repository/crypto.js";
import { decodeBlob } from "../../../src/mover/blob-codec.js";
import { defaultChunkerParams } from "../../../src/mover/chunker.js";
import { repositoryGearSeed } from "../../../src/mover/repo-cutter.js";
import { ReadPool } from "../../../src/mover/workers/read-pool.js";
import type { FileBatch } from "../../../src/mover/workers/wire-decode.js";

/** File `k` of a batch as the main thread sees it: its plaintext (holes as zeros) and chunk ids. */
function contentOf(
  batch: FileBatch,
  k: number,
  key: RepositoryKey | undefined,
): { bytes: Buffer; ids: string[] } {
  const parts: Buffer[] = [];
  const ids: string[] = [];
  let n = batch.firstId(k);
  for (let p = batch.firstPiece(k); p < batch.firstPiece(k) + batch.pieceCount(k); p++) {
    if (batch.isHole(p)) {
      parts.push(Buffer.alloc(batch.length(p)));
      continue;
    }
    const stored = batch.bytes.subarray(batch.offset(p), batch.offset(p) + batch.length(p));
    const plain = Buffer.from(
      decodeBlob(stored, { compression: batch.compression(p), key, rawLength: batch.rawLength(p) }),
    );
    expect(plain.byteLength).toBe(batch.rawLength(p));
    parts.push(plain);
    ids.push(batch.id(n++));
  }
  return { bytes: Buffer.concat(parts), ids };
}

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

describe.each([
  ["plain", undefined],
  ["sealed", deriveKey("read-pool test")],
])("ReadPool, %s repository", (_name, key) => {
  let dir: string;
  let pool: ReadPool;
  const files: Record<string, Buffer> = {
    "a.txt": randomBytes(3000),
    "b.bin": randomBytes(700 * 1024), // several chunks
    empty: Buffer.alloc(0),
    // A hole between data: 256 KiB of zeros is four hole windows.
    "sparse.img": Buffer.concat([randomBytes(1000), Buffer.alloc(256 * 1024), randomBytes(1000)]),
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-read-pool-"));
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
    await mkdir(join(dir, "sub"));
    await symlink("a.txt", join(dir, "link"));
    pool = new ReadPool({
      gearSeed: repositoryGearSeed(key),
      params: defaultChunkerParams,
      compression: "off",
      key,
      workers: 1,
    });
  });
  afterAll(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists a directory in name order and reads its small files with it, chunk ids and all", async () => {
    const listing = await pool.listDir(dir, {
      hints: {},
      ignoreInode: false,
      limit: 1024 * 1024,
      budget: 8 << 20,
    });
    try {
      expect(listing.entries.map((e) => [e.name, e.type])).toEqual([
        ["a.txt", "file"],
        ["b.bin", "file"],
        ["empty", "file"],
        ["link", "symlink"],
        ["sparse.img", "file"],
        ["sub", "dir"],
      ]);
      expect(listing.entries[3]!.target).toBe("a.txt");
      expect(listing.entries[1]!).toMatchObject({
        size: 700 * 1024,
        nlink: 1,
        mode: expect.any(Number) as number,
      });
      expect(listing.entries[0]!.mtimeNs).toMatch(/^\d+$/);
      const read = listing.read!;
      for (const [i, entry] of listing.entries.entries()) {
        const k = listing.fileOf[i]!;
        if (entry.type !== "file") {
          expect(k).toBe(-1);
          continue;
        }
        expect(read.size(k)).toBe(files[entry.name]!.byteLength);
        const { bytes, ids } = contentOf(read, k, key);
        expect(bytes.equals(files[entry.name]!)).toBe(true);
        expect(ids.length).toBeGreaterThan(entry.name === "empty" ? -1 : 0);
      }
      const sparse = listing.fileOf[4]!;
      expect(
        [...Array(read.pieceCount(sparse)).keys()].some((p) => read.isHole(read.firstPiece(sparse) + p)),
      ).toBe(true);
      // Ids are the SHA-256 of each chunk's plaintext.
      const a = contentOf(read, listing.fileOf[0]!, key);
      expect(a.ids).toEqual([sha(files["a.txt"]!)]);
    } finally {
      listing.release();
    }
  });

  it("skips files the parent snapshot has unchanged (hints), and stays within the budget", async () => {
    const first = await pool.listDir(dir);
    const a = first.entries[0]!;
    first.release();
    const hint = `${a.size}:${a.mtimeNs}:${a.ino}:${a.ctimeNs}`;
    const listing = await pool.listDir(dir, {
      hints: { "a.txt": hint },
      ignoreInode: false,
      limit: 1024 * 1024,
      budget: 4000,
    });
    try {
      expect(listing.fileOf[0]).toBe(-1); // unchanged
      // b.bin (700 KiB) is over the 4000-byte budget; empty fits.
      expect(listing.fileOf[1]).toBe(-1);
      expect(listing.fileOf[2]).toBeGreaterThanOrEqual(0);
    } finally {
      listing.release();
    }
  });

  it("reports a file that vanished before it was read by its position, and reads the others", async () => {
    const { read, release } = await pool.readSmall([
      { path: join(dir, "gone.txt"), size: 10 },
      { path: join(dir, "a.txt"), size: 3000 },
    ]);
    try {
      expect((read.error(0) as { code?: string } | undefined)?.code).toBe("ENOENT");
      expect(read.error(1)).toBeUndefined();
      expect(contentOf(read, 1, key).bytes.equals(files["a.txt"]!)).toBe(true);
    } finally {
      release();
    }
  });
});
