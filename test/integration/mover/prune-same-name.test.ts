import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { backup } from "../../../src/mover/backup.js";
import { loadIndexFiles } from "../../../src/mover/index-files.js";
import { BlobType } from "../../../src/mover/pack.js";
import { PackSession } from "../../../src/mover/pack-session.js";
import { prune } from "../../../src/mover/prune.js";
import { restore } from "../../../src/mover/restore.js";
import { sha256Hex } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import { openWithoutIndex } from "../../../src/mover/unindexed-view.js";
import { describeTree } from "./fixture.js";
import { keys } from "./history.js";

/**
 * A plain repack of blobs a, b yields exactly the bytes — so the name — of an older pack that
 * held only a, b and is removed as a duplicate. The prune must not delete its own new pack.
 */
describe("prune when a new pack has the name of a doomed one", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-prune-same-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the new pack and the snapshot restores", async () => {
    const src = join(dir, "src");
    await mkdir(src);
    await writeFile(join(src, "a.bin"), randomBytes(20_000));
    await writeFile(join(src, "b.bin"), randomBytes(30_000));
    const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
    const done = await backup({ store, source: src });

    // The backup's data pack K = [a, b]. Add a pack R = [a, b, x] under an index file that
    // sorts first, so R owns a and b and K holds only duplicates.
    const reader = await openWithoutIndex(store, undefined);
    const backupFiles = await loadIndexFiles(store, reader);
    const dataPack = backupFiles.packs.find((p) => p.blobs.every((b) => b.type === BlobType.Data));
    expect(dataPack?.blobs).toHaveLength(2);
    const writer = await openWithoutIndex(store, undefined);
    const session = new PackSession({ repo: writer, compression: "off" });
    for (const blob of dataPack?.blobs ?? []) {
      const at = { pack: dataPack?.id ?? "", ...blob };
      const plain = await reader.blobFromPack(await reader.getPack(at.pack), at, blob.id, "test");
      await session.add(BlobType.Data, blob.id, plain);
    }
    const x = randomBytes(40_000);
    await session.add(BlobType.Data, sha256Hex(x), x);
    await session.flush();
    const fresh = await loadIndexFiles(store, reader, new Set(backupFiles.files));
    expect(fresh.files).toHaveLength(1);
    await store.put("index/0000-first", await store.get(fresh.files[0] ?? ""));
    await store.delete(fresh.files[0] ?? "");

    const report = await prune({ store, clock: systemClock });
    expect(report).toMatchObject({ packsRepacked: 1, packsRemoved: 1, packsWritten: 1 });
    // The repack rebuilt K byte for byte: K's name is in the new index and its object is still there.
    const after = await loadIndexFiles(store, reader);
    expect(after.packs.map((p) => p.id)).toContain(dataPack?.id);
    expect((await keys(store, "packs/")).some((k) => k.endsWith(dataPack?.id ?? "-"))).toBe(true);
    const target = join(dir, "restored");
    await restore({ store, snapshot: done.snapshotId, target });
    expect((await describeTree(target)).entries).toEqual((await describeTree(src)).entries);
  });
});
