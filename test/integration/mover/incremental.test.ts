import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backup } from "../../../src/mover/backup.js";
import { restore } from "../../../src/mover/restore.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import { CountingStore } from "./counting-store.js";
import { describeTree } from "./fixture.js";

describe("incremental backup", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-incr-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("after a 1% change sends only the changed chunks (≤ 1.2× the changed bytes)", async () => {
    const src = join(dir, "src");
    await mkdir(join(src, "a"), { recursive: true });
    await mkdir(join(src, "b"));
    // 32 MiB: two large files and 64 files of 256 KiB.
    await writeFile(join(src, "big-1.bin"), randomBytes(8 * 1024 * 1024));
    await writeFile(join(src, "big-2.bin"), randomBytes(8 * 1024 * 1024));
    for (let i = 0; i < 64; i++)
      await writeFile(join(src, i % 2 ? "a" : "b", `f${i}.bin`), randomBytes(256 * 1024));
    const total = 32 * 1024 * 1024;
    const store = new CountingStore(new FsObjectStore({ root: join(dir, "repo"), fsync: false }));
    const key = deriveKey("incremental");
    const first = await backup({ store, key, source: src });
    expect(first.snapshot.stats.bytesRead).toBe(total);

    // Change 1%: rewrite one 256 KiB file, add a 64 KiB file (≈ 320 KiB of 32 MiB).
    await writeFile(join(src, "a", "f1.bin"), randomBytes(256 * 1024));
    await writeFile(join(src, "b", "new.bin"), randomBytes(64 * 1024));
    const changed = 320 * 1024;
    store.reset();
    const second = await backup({ store, key, source: src, parent: first.snapshotId });
    const s = second.snapshot.stats;
    expect(s).toMatchObject({
      filesNew: 1,
      filesChanged: 1,
      filesUnmodified: 65,
      bytesRead: changed,
    });
    // The new 64 KiB file is one chunk; the rewritten 256 KiB file one or more (64 KiB – 1 MiB chunks).
    expect(s.chunksNew).toBeGreaterThanOrEqual(2);
    expect(s.chunkBytesNew).toBe(changed);
    // Everything put — packs, tree blobs, index and snapshot — stays within 1.2× the change.
    const put = store.bytes("packs/") + store.bytes("index/") + store.bytes("snapshots/");
    expect(put).toBe(s.bytesUploaded);
    expect(s.bytesUploaded).toBeLessThanOrEqual(1.2 * changed);
    expect(second.snapshot.parent).toBe(first.snapshotId);

    const target = join(dir, "target");
    await restore({ store, key, snapshot: "latest", target });
    expect((await describeTree(target)).entries).toEqual((await describeTree(src)).entries);
  });

  it("re-chunks a file edited in place and stores only the chunks around the edit", async () => {
    const src = join(dir, "src");
    await mkdir(src);
    const original = randomBytes(16 * 1024 * 1024);
    await writeFile(join(src, "disk.img"), original);
    const store = new CountingStore(new FsObjectStore({ root: join(dir, "repo"), fsync: false }));
    const first = await backup({ store, source: src });
    // Insert 100 bytes in the middle: a fixed-size chunker would resend the second half.
    const edited = Buffer.concat([
      original.subarray(0, 8_000_000),
      randomBytes(100),
      original.subarray(8_000_000),
    ]);
    await writeFile(join(src, "disk.img"), edited);
    store.reset();
    const second = await backup({ store, source: src, parent: first.snapshotId });
    expect(second.snapshot.stats.filesChanged).toBe(1);
    expect(second.snapshot.stats.chunkBytesNew).toBeLessThan(6 * 1024 * 1024);
    expect(second.snapshot.stats.chunkBytesNew).toBeGreaterThan(0);
  });

  it.each([
    { ignoreInode: false, bytesRead: 3 * 1024 * 1024 },
    { ignoreInode: true, bytesRead: 0 },
  ])(
    "a fresh copy of the source (new inodes and ctimes) is re-read unless ignoreInode ($ignoreInode)",
    async ({ ignoreInode, bytesRead }) => {
      const src = join(dir, "src");
      await mkdir(src);
      for (let i = 0; i < 3; i++) {
        await writeFile(join(src, `f${i}.bin`), randomBytes(1024 * 1024));
        // Whole seconds, so the copy below (which sets times through a double) keeps them exactly.
        await utimes(join(src, `f${i}.bin`), 1_700_000_000, 1_700_000_000 + i);
      }
      const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
      const first = await backup({ store, source: src });
      // What a claim restored from a volume snapshot looks like: same content and mtimes, new inodes.
      const copy = join(dir, "copy");
      await cp(src, copy, { recursive: true, preserveTimestamps: true });
      const second = await backup({ store, source: copy, parent: first.snapshotId, ignoreInode });
      expect(second.snapshot.stats.bytesRead).toBe(bytesRead);
      expect(second.snapshot.stats.chunksNew).toBe(0);
    },
  );
});
