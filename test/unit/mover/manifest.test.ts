import { randomBytes } from "node:crypto";
import { link, mkdir, mkdtemp, rm, symlink, truncate, writeFile, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backup } from "../../../src/mover/backup.js";
import { BlobType } from "../../../src/mover/pack.js";
import { PackSession } from "../../../src/mover/pack-session.js";
import { MoverRepository } from "../../../src/mover/repository.js";
import { loadSnapshot } from "../../../src/mover/snapshot.js";
import { decodeTree, type Tree } from "../../../src/mover/tree.js";
import { sha256Hex } from "../../../src/repository/crypto.js";
import { MemoryObjectStore } from "../../helpers/memory-store.js";

describe("snapshot manifest", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-manifest-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("records files, holes, symlinks, hard links and empty directories as tree blobs", async () => {
    const src = join(dir, "src");
    await mkdir(join(src, "empty"), { recursive: true });
    await mkdir(join(src, "sub"));
    await writeFile(join(src, "sub", "a.txt"), "hello");
    await link(join(src, "sub", "a.txt"), join(src, "z-link"));
    await symlink("sub/a.txt", join(src, "sym"));
    // 3 MiB hole, then 1 MiB of data, then a 4 MiB hole: holes are not stored.
    await writeFile(join(src, "sparse"), "");
    await truncate(join(src, "sparse"), 8 * 1024 * 1024);
    const fh = await open(join(src, "sparse"), "r+");
    await fh.write(randomBytes(1024 * 1024), 0, 1024 * 1024, 3 * 1024 * 1024);
    await fh.close();

    const store = new MemoryObjectStore();
    const { snapshotId } = await backup({ store, source: src });
    const repo = await MoverRepository.open(store, {});
    const snapshot = await loadSnapshot(repo, snapshotId);
    const tree = async (id: string): Promise<Tree> => decodeTree(await repo.readBlob(id, "test"), id);
    const root = await tree(snapshot.tree);

    expect(root.nodes.map((n) => [n.name, n.type])).toEqual([
      ["empty", "dir"],
      ["sparse", "file"],
      ["sub", "dir"],
      ["sym", "symlink"],
      ["z-link", "hardlink"],
    ]);
    const byName = new Map(root.nodes.map((n) => [n.name, n]));
    expect(byName.get("sym")).toMatchObject({ target: "sub/a.txt" });
    expect(byName.get("z-link")).toMatchObject({ link: "sub/a.txt" });
    const sparse = byName.get("sparse");
    if (sparse?.type !== "file") throw new Error("sparse is not a file");
    const holes = sparse.content.filter((c): c is number => typeof c === "number").reduce((a, b) => a + b, 0);
    expect(holes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    const empty = byName.get("empty");
    if (empty?.type !== "dir") throw new Error("empty is not a dir");
    expect((await tree(empty.subtree)).nodes).toEqual([]);
    const sub = byName.get("sub");
    if (sub?.type !== "dir") throw new Error("sub is not a dir");
    expect((await tree(sub.subtree)).nodes[0]).toMatchObject({
      name: "a.txt",
      type: "file",
      size: 5,
      content: [sha256Hex(Buffer.from("hello"))],
    });
    // The snapshot root is the last object written.
    expect([...store.objects.keys()].at(-1)).toBe(`snapshots/${snapshotId}.json`);
  });
});

describe("PackSession", () => {
  it.each([
    { packSize: 4096, blobs: 20, expectedPacks: 20 },
    { packSize: 40 * 1024, blobs: 20, expectedPacks: 2 },
  ])(
    "stores each blob once, in packs of about $packSize bytes",
    async ({ packSize, blobs, expectedPacks }) => {
      const store = new MemoryObjectStore();
      const repo = await MoverRepository.open(store, {});
      const session = new PackSession({ repo, compression: "off", packSize, checkpointEvery: 4 });
      const data = Array.from({ length: blobs }, () => randomBytes(3000));
      for (const d of data) expect(await session.add(BlobType.Data, sha256Hex(d), d)).toBe(true);
      for (const d of data) expect(await session.add(BlobType.Data, sha256Hex(d), d)).toBe(false);
      await session.flush();
      expect(session.stats.blobsNew).toBe(blobs);
      expect([...store.objects.keys()].filter((k) => k.startsWith("packs/"))).toHaveLength(expectedPacks);
      const reopened = await MoverRepository.open(store, {});
      expect(reopened.index.blobCount).toBe(blobs);
      for (const d of data)
        expect(Buffer.from(await reopened.readBlob(sha256Hex(d), "t")).equals(d)).toBe(true);
    },
  );

  it("finds packs that no index names (a killed run) when opened with recover", async () => {
    const store = new MemoryObjectStore();
    const repo = await MoverRepository.open(store, {});
    const session = new PackSession({ repo, compression: "off", packSize: 4096, checkpointEvery: 1000 });
    const data = Array.from({ length: 5 }, () => randomBytes(3000));
    for (const d of data) await session.add(BlobType.Data, sha256Hex(d), d);
    await session.flush();
    for (const key of [...store.objects.keys()]) if (key.startsWith("index/")) await store.delete(key);
    expect((await MoverRepository.open(store, {})).index.blobCount).toBe(0);
    const recovered = await MoverRepository.open(store, { recover: true });
    expect(recovered.index.blobCount).toBe(5);
    expect([...store.objects.keys()].some((k) => k.startsWith("index/"))).toBe(true);
  });
});
