import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backup } from "../../../src/mover/backup.js";
import { restore } from "../../../src/mover/restore.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import { describeTree, makeTree } from "./fixture.js";

describe("mover backup → restore", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-mover-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    { encrypted: true, compression: "off" as const },
    { encrypted: false, compression: "deflate" as const },
  ])(
    "restores a byte-identical tree (encrypted $encrypted, compression $compression)",
    async ({ encrypted, compression }) => {
      const src = join(dir, "src");
      await makeTree(src);
      const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
      const key = encrypted ? deriveKey("roundtrip secret") : undefined;
      const { snapshotId, snapshot } = await backup({
        store,
        key,
        source: src,
        compression,
        tags: { pvc: "data-0" },
      });
      expect(snapshot.tags).toEqual({ pvc: "data-0" });
      expect(snapshot.stats.files).toBe(27);

      const target = join(dir, "target");
      const result = await restore({ store, key, snapshot: snapshotId, target });
      expect(result.snapshotId).toBe(snapshotId);
      const before = await describeTree(src);
      const after = await describeTree(target);
      expect(after.entries).toEqual(before.entries);
      // The sparse file stays sparse: about 1 MiB + 4 KiB allocated of 16 MiB.
      expect(after.blocks["sparse.img"]! * 512).toBeLessThan(2 * 1024 * 1024);
      // Nothing is left next to the target.
      expect((await readdir(dir)).sort()).toEqual(["repo", "src", "target"]);
    },
  );

  it.each([1, 4])(
    "restores the same tree in windows of %i files or chunks (hard links across windows)",
    async (window) => {
      const src = join(dir, "src");
      await makeTree(src);
      const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
      const key = deriveKey("window secret");
      const { snapshotId } = await backup({ store, key, source: src });
      const whole = await restore({ store, key, snapshot: snapshotId, target: join(dir, "whole") });
      const windowed = await restore({
        store,
        key,
        snapshot: snapshotId,
        target: join(dir, "windowed"),
        window,
      });
      expect((await describeTree(join(dir, "windowed"))).entries).toEqual((await describeTree(src)).entries);
      expect(windowed.bytesWritten).toBe(whole.bytesWritten);
      // Each window fetches its packs: more pack reads than in one pass, never fewer.
      expect(windowed.packsRead).toBeGreaterThan(whole.packsRead);
      const mirror = join(dir, "mirror");
      await mkdir(join(mirror, "stale"), { recursive: true });
      await restore({ store, key, snapshot: snapshotId, target: mirror, mode: "mirror", window });
      expect((await describeTree(mirror)).entries).toEqual((await describeTree(src)).entries);
    },
  );

  it("mirror mode restores in place and deletes what the snapshot does not hold", async () => {
    const src = join(dir, "src");
    await makeTree(src);
    const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
    const { snapshotId } = await backup({ store, source: src });
    const target = join(dir, "mount");
    await mkdir(join(target, "data", "stale-dir"), { recursive: true });
    await writeFile(join(target, "data", "stale-dir", "x"), "old");
    await writeFile(join(target, "data", "text.log"), "an older version");
    await writeFile(join(target, "extra.txt"), "not in the snapshot");
    await mkdir(join(target, "link-rel")); // a directory where the snapshot has a symlink
    const first = await restore({ store, snapshot: snapshotId, target, mode: "mirror" });
    expect((await describeTree(target)).entries).toEqual((await describeTree(src)).entries);
    expect(first.bytesWritten).toBeGreaterThan(4 * 1024 * 1024);
    // Again, with one file changed on the target: only that file is rewritten (quick check).
    await writeFile(join(target, "data", "deep", "small-3.txt"), "changed on the target");
    const again = await restore({ store, snapshot: snapshotId, target, mode: "mirror" });
    // The changed file, and the file with three names (hard links are always rewritten).
    expect(again.bytesWritten).toBe(100 + 3 * 997 + 700 * 1024);
    expect((await describeTree(target)).entries).toEqual((await describeTree(src)).entries);
  });

  it("refuses an encrypted repository without its key, and a wrong key", async () => {
    const src = join(dir, "src");
    await mkdir(src);
    await writeFile(join(src, "f"), "x");
    const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
    const { snapshotId } = await backup({ store, key: deriveKey("right"), source: src });
    await expect(restore({ store, snapshot: snapshotId, target: join(dir, "t") })).rejects.toThrow(
      /is encrypted/,
    );
    await expect(
      restore({ store, key: deriveKey("wrong"), snapshot: snapshotId, target: join(dir, "t") }),
    ).rejects.toMatchObject({
      code: "Integrity",
    });
  });
});
