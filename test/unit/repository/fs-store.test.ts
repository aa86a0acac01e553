import { mkdtemp, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ferry-fs-unit-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function keys(store: FsObjectStore, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const key of store.list(prefix)) out.push(key);
  return out;
}

describe("FsObjectStore", () => {
  it("maps keys to files under root and leaves no temporary files", async () => {
    const store = new FsObjectStore({ root });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.put(`objects/${i % 5}/k${i}`, Buffer.from(`v${i}`))),
    );
    expect(await readdir(join(root, "objects", "3"))).toHaveLength(10);
    const all = await readdir(root, { recursive: true });
    expect(all.filter((name) => name.includes(".ferry-tmp-"))).toEqual([]);
  });

  it("does not list the temporary file of a write cut short by a crash", async () => {
    const store = new FsObjectStore({ root });
    await store.put("objects/ab/done", Buffer.from("x"));
    await writeFile(join(root, "objects", "ab", ".ferry-tmp-deadbeef"), "half");
    expect(await keys(store)).toEqual(["objects/ab/done"]);
  });

  it("recreates a folder removed behind its back", async () => {
    const store = new FsObjectStore({ root, fsync: false });
    await store.put("objects/ab/one", Buffer.from("1"));
    await rm(join(root, "objects"), { recursive: true });
    await store.put("objects/ab/two", Buffer.from("2"));
    expect(await keys(store)).toEqual(["objects/ab/two"]);
  });

  it.each([
    ["a folder", "objects"],
    ["a path through a file", "objects/ab/one/deeper"],
  ])("reads %s as NotFound", async (_name, key) => {
    const store = new FsObjectStore({ root });
    await store.put("objects/ab/one", Buffer.from("1"));
    const error = await store.get(key).catch((e: unknown) => e);
    expect(isFerryError(error, "NotFound")).toBe(true);
    expect(await store.has(key)).toBe(false);
    // Not an object, so deleting it is the no-op of deleting an absent key.
    await expect(store.delete(key)).resolves.toBeUndefined();
    expect(await store.has("objects/ab/one")).toBe(true);
  });

  it("ignores files it did not write only if they are its temporaries", async () => {
    await mkdir(join(root, "snapshots"), { recursive: true });
    await writeFile(join(root, "snapshots", "s1"), "{}");
    const store = new FsObjectStore({ root });
    expect(await keys(store, "snapshots/")).toEqual(["snapshots/s1"]);
    expect(await keys(new FsObjectStore({ root: join(root, "absent") }))).toEqual([]);
  });

  it("describes itself as a file URL", () => {
    expect(new FsObjectStore({ root: "/var/lib/ferry" }).description).toBe("file:///var/lib/ferry");
  });
});
