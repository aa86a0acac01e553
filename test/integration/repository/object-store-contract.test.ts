import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import type { ObjectStore } from "../../../src/repository/object-store.js";
import { S3ObjectStore } from "../../../src/repository/s3-store.js";
import { MemoryObjectStore } from "../../helpers/memory-store.js";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "../../helpers/s3rver.js";

/**
 * One contract, three backends: what the content store, backups and the volume mover rely
 * on must hold for the in-memory fake, a folder and S3 (s3rver on loopback, the real SDK).
 */
interface Backend {
  readonly name: string;
  /** The memory fake does not validate keys; the real backends must. */
  readonly validatesKeys: boolean;
  /**
   * Whether listing puts `a-b` before `a/b` (byte order, as S3 does). s3rver walks its
   * folders instead and lists `a/…` first, so that one ordering case is not checked on it.
   */
  readonly byteOrderAcrossFolders: boolean;
  /** Whether concurrent readers of a key being replaced can be checked for torn reads. */
  readonly atomicReplace: boolean;
  make(): Promise<{ store: ObjectStore; cleanup: () => Promise<void> }>;
}

let s3: RunningS3rver | undefined;
let s3Stores = 0;

const backends: Backend[] = [
  {
    name: "memory",
    validatesKeys: false,
    atomicReplace: true,
    byteOrderAcrossFolders: true,
    make: () => Promise.resolve({ store: new MemoryObjectStore(), cleanup: () => Promise.resolve() }),
  },
  {
    name: "filesystem",
    validatesKeys: true,
    atomicReplace: true,
    byteOrderAcrossFolders: true,
    async make() {
      const root = await mkdtemp(join(tmpdir(), "ferry-fs-store-"));
      return {
        store: new FsObjectStore({ root }),
        cleanup: () => rm(root, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "s3",
    validatesKeys: true,
    // S3 replaces objects atomically, but s3rver writes a replaced object in place, so a
    // concurrent GET of it can be cut short: the check would test s3rver, not Ferry.
    atomicReplace: false,
    byteOrderAcrossFolders: false,
    make() {
      if (s3 === undefined) throw new Error("s3rver is not running");
      s3Stores += 1;
      // A fresh prefix per test isolates tests sharing the bucket; a page size of 3 makes every
      // list below cross page boundaries.
      const store = new S3ObjectStore({
        bucket: "ferry",
        prefix: `t${s3Stores}/`,
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: S3RVER_CREDENTIALS,
        listPageSize: 3,
      });
      return Promise.resolve({ store, cleanup: () => Promise.resolve(store.destroy()) });
    },
  },
];

beforeAll(async () => {
  s3 = await startS3rver(["ferry"]);
});
afterAll(async () => {
  await s3?.stop();
});

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe.each(backends)("ObjectStore contract: $name", (backend) => {
  let store: ObjectStore;
  let cleanup: (() => Promise<void>) | undefined;

  const setUp = async (): Promise<void> => {
    ({ store, cleanup } = await backend.make());
  };
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it.each([
    ["text", bytes("hello")],
    ["empty", new Uint8Array(0)],
    ["every byte value", Uint8Array.from({ length: 512 }, (_, i) => i % 256)],
    ["1 MiB", new Uint8Array(1 << 20).fill(7)],
  ])("round-trips %s", async (_name, data) => {
    await setUp();
    await store.put("objects/ab/key", data);
    expect(Buffer.from(await store.get("objects/ab/key")).equals(Buffer.from(data))).toBe(true);
    expect(await store.has("objects/ab/key")).toBe(true);
  });

  it("replaces an object on a second put", async () => {
    await setUp();
    await store.put("config.json", bytes("one"));
    await store.put("config.json", bytes("two"));
    expect(new TextDecoder().decode(await store.get("config.json"))).toBe("two");
    expect(await collect(store.list(""))).toEqual(["config.json"]);
  });

  it.each(["missing", "objects/zz/missing", "objects"])(
    "get(%s) of an absent key is NotFound",
    async (key) => {
      await setUp();
      await store.put("objects/ab/present", bytes("x"));
      const error = await store.get(key).catch((e: unknown) => e);
      expect(isFerryError(error, "NotFound")).toBe(true);
      expect(await store.has(key)).toBe(false);
    },
  );

  it("deletes, and deleting an absent key is not an error", async () => {
    await setUp();
    await store.put("backups/b1/manifest.json", bytes("{}"));
    await store.delete("backups/b1/manifest.json");
    await store.delete("backups/b1/manifest.json");
    await store.delete("never/was");
    expect(await store.has("backups/b1/manifest.json")).toBe(false);
    expect(await collect(store.list("backups/"))).toEqual([]);
  });

  const keys = [
    "objects/ab/2",
    "objects/a/z",
    "backups/b1/manifest.json",
    "objects/ac/1",
    "objects/ab/1",
    "config.json",
    "objects/ab/10",
  ];
  it.each([
    ["", [...keys].sort()],
    ["objects/", ["objects/a/z", "objects/ab/1", "objects/ab/10", "objects/ab/2", "objects/ac/1"]],
    ["objects", ["objects/a/z", "objects/ab/1", "objects/ab/10", "objects/ab/2", "objects/ac/1"]],
    ["objects/a", ["objects/a/z", "objects/ab/1", "objects/ab/10", "objects/ab/2", "objects/ac/1"]],
    ["objects/ab/", ["objects/ab/1", "objects/ab/10", "objects/ab/2"]],
    ["objects/ab/1", ["objects/ab/1", "objects/ab/10"]],
    ["backups/b1/manifest.json", ["backups/b1/manifest.json"]],
    ["snapshots/", []],
    ["zzz", []],
  ])("list(%j) yields the keys with that prefix in lexicographic order", async (prefix, expected) => {
    await setUp();
    for (const key of keys) await store.put(key, bytes(key));
    expect(await collect(store.list(prefix))).toEqual(expected);
  });

  it.skipIf(!backend.byteOrderAcrossFolders)(
    "lists a key before a folder whose name it extends (`a-b` < `a/b`)",
    async () => {
      await setUp();
      for (const key of ["objects/a/z", "objects-x", "objects/ab/1", "objects0"])
        await store.put(key, bytes(key));
      expect(await collect(store.list("objects"))).toEqual([
        "objects-x",
        "objects/a/z",
        "objects/ab/1",
        "objects0",
      ]);
    },
  );

  it.skipIf(!backend.atomicReplace)(
    "concurrent readers of a key being replaced see a whole old or new value",
    async () => {
      await setUp();
      const size = 256 * 1024;
      const a = new Uint8Array(size).fill(0x61);
      const b = new Uint8Array(size).fill(0x62);
      await store.put("big", a);
      const reads: Promise<Uint8Array>[] = [];
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 12; i += 1) {
        writes.push(store.put("big", i % 2 === 0 ? b : a));
        reads.push(store.get("big"));
      }
      await Promise.all(writes);
      for (const value of await Promise.all(reads)) {
        expect(value.byteLength).toBe(size);
        expect(value.every((byte) => byte === value[0])).toBe(true);
      }
    },
  );

  it
    .skipIf(!backend.validatesKeys)
    .each(["../escape", "a/../../b", "/absolute", "a\\b", "a//b", "", "a/./b", "trailing/", ".ferry-tmp-x"])(
    "rejects the invalid key %j as Invalid",
    async (key) => {
      await setUp();
      for (const operation of [
        () => store.put(key, bytes("x")),
        () => store.get(key),
        () => store.has(key),
      ]) {
        const error = await operation().catch((e: unknown) => e);
        expect(isFerryError(error, "Invalid")).toBe(true);
      }
    },
  );

  it("describes itself without credentials", async () => {
    await setUp();
    expect(store.description).not.toMatch(/S3RVER/);
    expect(store.description.length).toBeGreaterThan(0);
  });
});
