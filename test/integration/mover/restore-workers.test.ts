import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { backup } from "../../../src/mover/backup.js";
import { restore } from "../../../src/mover/restore.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import type { ObjectStore } from "../../../src/repository/object-store.js";
import { describeTree } from "./fixture.js";

const MiB = 1024 * 1024;

/** Our own store port around a real one: `onGet` sees every key read. */
function watched(inner: ObjectStore, onGet: (key: string) => void): ObjectStore {
  return {
    description: inner.description,
    put: (key, data) => inner.put(key, data),
    get: (key) => {
      onGet(key);
      return inner.get(key);
    },
    has: (key) => inner.has(key),
    list: (prefix) => inner.list(prefix),
    delete: (key) => inner.delete(key),
  };
}

describe("restore through worker threads", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-restore-workers-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function backedUp(): Promise<{ store: FsObjectStore; snapshotId: string; src: string }> {
    const src = join(dir, "src");
    await mkdir(join(src, "a"), { recursive: true });
    for (let i = 0; i < 6; i++) await writeFile(join(src, "a", `f${i}.bin`), randomBytes(2 * MiB));
    const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
    const { snapshotId } = await backup({ store, key: deriveKey("w"), source: src, packSize: MiB });
    return { store, snapshotId, src };
  }

  it("restores many packs byte-identically", async () => {
    const { store, snapshotId, src } = await backedUp();
    const target = join(dir, "target");
    const result = await restore({ store, key: deriveKey("w"), snapshot: snapshotId, target });
    expect(result.packsRead).toBeGreaterThanOrEqual(10);
    expect(result.bytesWritten).toBe(12 * MiB);
    expect((await describeTree(target)).entries).toEqual((await describeTree(src)).entries);
  });

  it("an abort mid-restore fails with Aborted and leaves the previous copy", async () => {
    const { store, snapshotId } = await backedUp();
    const target = join(dir, "target");
    await mkdir(target);
    await writeFile(join(target, "previous"), "kept");
    const abort = new AbortController();
    let packs = 0;
    const failing = watched(store, (key) => {
      if (key.startsWith("packs/") && ++packs === 4) abort.abort();
    });
    const failure = await restore({
      store: failing,
      key: deriveKey("w"),
      snapshot: snapshotId,
      target,
      signal: abort.signal,
    }).catch((e: unknown) => e);
    expect(isFerryError(failure, "Aborted")).toBe(true);
    expect(await readdir(target)).toEqual(["previous"]);
    expect((await readdir(dir)).sort()).toEqual(["repo", "src", "target"]);
  });

  it("a pack missing from the store is an Integrity error naming a file", async () => {
    const { store, snapshotId } = await backedUp();
    const packs = (
      await readdir(join(dir, "repo", "packs"), { recursive: true, withFileTypes: true })
    ).filter((e) => e.isFile());
    // A data pack (about 1 MiB), not the small one holding the trees.
    const sizes = await Promise.all(packs.map(async (e) => (await stat(join(e.parentPath, e.name))).size));
    const victim = packs[sizes.findIndex((size) => size > MiB / 2)]!;
    await unlink(join(victim.parentPath, victim.name));
    const failure = await restore({
      store,
      key: deriveKey("w"),
      snapshot: snapshotId,
      target: join(dir, "t"),
    }).catch((e: unknown) => e);
    expect(isFerryError(failure, "Integrity")).toBe(true);
    expect((failure as Error).message).toMatch(/^restoring a\/f\d\.bin: pack [0-9a-f]{64} is missing$/);
    expect((await readdir(dir)).sort()).toEqual(["repo", "src"]);
  });
});
