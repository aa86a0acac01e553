import { describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import type { Compression } from "../../../src/repository/content-codec.js";
import { ContentStore, contentIdOfKey, contentKey } from "../../../src/repository/content-store.js";
import { MemoryObjectStore } from "../../helpers/memory-store.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = text(JSON.stringify({ kind: "ConfigMap", data: { big: "x".repeat(5000) } }));
const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251);
const KEY = deriveKey("correct horse battery staple");
const OTHER_KEY = deriveKey("another key");

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("ContentStore", () => {
  const cases: [string, Compression, boolean, Uint8Array][] = [
    ["json, gzip, plain", "gzip", false, json],
    ["json, deflate, plain", "deflate", false, json],
    ["json, none, plain", "none", false, json],
    ["json, gzip, encrypted", "gzip", true, json],
    ["incompressible, gzip, encrypted", "gzip", true, random],
    ["empty, deflate, plain", "deflate", false, new Uint8Array(0)],
  ];

  it.each(cases)(
    "round-trips %s, addressed by the plaintext's SHA-256",
    async (_name, compression, encrypted, data) => {
      const store = new MemoryObjectStore();
      const content = new ContentStore(store, { compression, key: encrypted ? KEY : undefined });
      const put = await content.putObject(data);
      expect(put.written).toBe(true);
      expect(store.objects.has(contentKey(put.id))).toBe(true);
      expect(put.id).toMatch(/^[0-9a-f]{64}$/);
      expect(Buffer.from(await content.getObject(put.id)).equals(Buffer.from(data))).toBe(true);
      expect(await content.hasObject(put.id)).toBe(true);
      // The plaintext never reaches an encrypted store.
      const stored = Buffer.from(store.objects.get(contentKey(put.id)) ?? new Uint8Array());
      if (encrypted && data.byteLength > 0)
        expect(stored.includes(Buffer.from(data.subarray(0, 32)))).toBe(false);
    },
  );

  it("compresses JSON and stores it once however often it is put", async () => {
    const store = new MemoryObjectStore();
    const content = new ContentStore(store);
    const first = await content.putObject(json);
    const second = await content.putObject(json);
    expect(second).toEqual({ id: first.id, written: false, storedBytes: 0 });
    expect(store.puts).toBe(1);
    expect(first.storedBytes).toBeLessThan(json.byteLength / 10);
  });

  it("skips objects an earlier process stored (asks the store, then remembers)", async () => {
    const store = new MemoryObjectStore();
    const { id } = await new ContentStore(store).putObject(json);
    const later = new ContentStore(store);
    expect(await later.putObject(json)).toEqual({ id, written: false, storedBytes: 0 });
    expect(store.puts).toBe(1);
  });

  it("after loadKnownObjects, consults memory rather than the store", async () => {
    const store = new MemoryObjectStore();
    await new ContentStore(store).putObject(json);
    await store.put("objects/zz/not-an-id", text("ignored"));
    const content = new ContentStore(store);
    expect(await content.loadKnownObjects()).toBe(1);
    let hasCalls = 0;
    const has = store.has.bind(store);
    store.has = (key: string) => {
      hasCalls += 1;
      return has(key);
    };
    await content.putObject(json);
    await content.putObject(text("new"));
    expect(hasCalls).toBe(0);
    expect(store.puts).toBe(3);
  });

  type Tamper = (store: MemoryObjectStore, id: string, otherId: string) => void;
  const flipLastByte: Tamper = (store, id) => {
    const bytes = store.objects.get(contentKey(id));
    if (bytes === undefined) throw new Error("missing");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  };
  const swapContent: Tamper = (store, id, otherId) => {
    const other = store.objects.get(contentKey(otherId));
    if (other === undefined) throw new Error("missing");
    store.objects.set(contentKey(id), other);
  };
  it.each<[string, boolean, Tamper]>([
    ["a flipped byte (plain)", false, flipLastByte],
    ["a flipped byte (encrypted)", true, flipLastByte],
    ["another object's bytes under its key (plain)", false, swapContent],
    ["another object's bytes under its key (encrypted)", true, swapContent],
  ])("detects %s as Integrity", async (_name, encrypted, tamper) => {
    const store = new MemoryObjectStore();
    const content = new ContentStore(store, { compression: "none", key: encrypted ? KEY : undefined });
    const { id } = await content.putObject(json);
    const other = await content.putObject(text("other object"));
    tamper(store, id, other.id);
    const error = await errorOf(content.getObject(id));
    expect(isFerryError(error, "Integrity")).toBe(true);
  });

  it.each([
    ["the wrong key", KEY, OTHER_KEY, "Integrity"],
    ["no key for an encrypted object", KEY, undefined, "Invalid"],
    ["an unencrypted object in an encrypted repository", undefined, KEY, "Integrity"],
  ] as const)("refuses to read with %s", async (_name, writeKey, readKey, code) => {
    const store = new MemoryObjectStore();
    const { id } = await new ContentStore(store, { key: writeKey }).putObject(json);
    const error = await errorOf(new ContentStore(store, { key: readKey }).getObject(id));
    expect(isFerryError(error, code)).toBe(true);
  });

  it("reports a missing object as NotFound naming its id", async () => {
    const content = new ContentStore(new MemoryObjectStore());
    const id = "ab".repeat(32);
    const error = await errorOf(content.getObject(id));
    expect(isFerryError(error, "NotFound")).toBe(true);
    expect(String((error as Error).message)).toContain(id);
    expect(await content.hasObject(id)).toBe(false);
  });

  it.each(["", "ABCD", "../etc/passwd", "ab".repeat(31)])(
    "rejects the malformed id %j as Invalid",
    async (id) => {
      const error = await errorOf(new ContentStore(new MemoryObjectStore()).getObject(id));
      expect(isFerryError(error, "Invalid")).toBe(true);
    },
  );

  it.each([
    [`objects/ab/${"ab".repeat(32)}`, "ab".repeat(32)],
    [`objects/cd/${"ab".repeat(32)}`, undefined],
    [`objects/ab/${"ab".repeat(32)}.tmp`, undefined],
    ["packs/ab/x", undefined],
  ])("contentIdOfKey(%j) is %j", (key, id) => {
    expect(contentIdOfKey(key)).toBe(id);
  });

  it("lists and deletes objects", async () => {
    const store = new MemoryObjectStore();
    const content = new ContentStore(store);
    const a = await content.putObject(text("a"));
    const b = await content.putObject(text("b"));
    const ids: string[] = [];
    for await (const id of content.listObjects()) ids.push(id);
    expect(ids).toEqual([a.id, b.id].sort());
    await content.deleteObject(a.id);
    expect(await content.hasObject(a.id)).toBe(false);
    expect((await content.putObject(text("a"))).written).toBe(true);
  });
});
