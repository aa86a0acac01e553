import { describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { CONFIG_KEY } from "../../../src/repository/config.js";
import { deriveKey, type RepositoryKey } from "../../../src/repository/crypto.js";
import { initRepository, openRepository } from "../../../src/repository/repository.js";
import { MemoryObjectStore } from "../../helpers/memory-store.js";
import { fixedClock } from "./fixtures.js";

const KEY = deriveKey("the right key");
const WRONG = deriveKey("the wrong key");
const clock = fixedClock();

async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  return promise.then(
    () => ({ message: "no error" }),
    (e: unknown) => e as { code?: string; message: string },
  );
}

describe("repository config", () => {
  it.each([
    ["unencrypted", undefined],
    ["encrypted", KEY],
  ])("init writes config.json that open accepts (%s)", async (_name, key) => {
    const store = new MemoryObjectStore();
    const created = await initRepository(store, { key, clock });
    expect(created.config).toMatchObject({ version: 1, createdAt: "2026-11-21T06:00:00.000Z" });
    expect(created.config.encryption === null).toBe(key === undefined);
    const opened = await openRepository(store, { key, clock });
    expect(opened.config).toEqual(created.config);
    // config.json stays readable JSON: it says whether the rest is encrypted.
    expect(JSON.parse(Buffer.from(store.objects.get(CONFIG_KEY) ?? []).toString())).toEqual(created.config);
  });

  it.each<[string, RepositoryKey | undefined, RepositoryKey | undefined, string, RegExp]>([
    ["a wrong key", KEY, WRONG, "Invalid", /does not match .*wrong key/],
    ["no key for an encrypted repository", KEY, undefined, "Invalid", /is encrypted: configure its key/],
    [
      "a key for an unencrypted repository",
      undefined,
      KEY,
      "Invalid",
      /is not encrypted, but an encryption key/,
    ],
  ])("open refuses %s with a clear error", async (_name, initKey, openKey, code, message) => {
    const store = new MemoryObjectStore();
    await initRepository(store, { key: initKey, clock });
    const error = await errorOf(openRepository(store, { key: openKey, clock }));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it("open of an empty store is NotFound, unless asked to create", async () => {
    const store = new MemoryObjectStore();
    const error = await errorOf(openRepository(store, { key: undefined, clock }));
    expect(error.code).toBe("NotFound");
    expect(error.message).toMatch(/is not a Ferry repository/);
    const created = await openRepository(store, { key: KEY, clock, create: true });
    expect(created.config.encryption?.algorithm).toBe("AES-256-GCM");
    expect((await openRepository(store, { key: KEY, clock, create: true })).config.id).toBe(
      created.config.id,
    );
  });

  it("init of an existing repository is a Conflict", async () => {
    const store = new MemoryObjectStore();
    await initRepository(store, { key: undefined, clock });
    expect((await errorOf(initRepository(store, { key: undefined, clock }))).code).toBe("Conflict");
  });

  const good = {
    format: "ferry.dev/repository",
    version: 1,
    id: "x",
    createdAt: "2026-01-01T00:00:00Z",
    encryption: null,
  };
  it.each<[string, unknown, string, RegExp]>([
    ["not JSON", "{", "Integrity", /not valid JSON/],
    ["another format", { ...good, format: "restic" }, "Integrity", /field format/],
    ["a version that is not a number", { ...good, version: "1" }, "Integrity", /field version/],
    ["a bad date", { ...good, createdAt: "yesterday" }, "Integrity", /field createdAt/],
    [
      "an unknown algorithm",
      { ...good, encryption: { algorithm: "ROT13" } },
      "Integrity",
      /encryption\.algorithm/,
    ],
    ["a newer layout", { ...good, version: 2 }, "Invalid", /layout version 2.*upgrade Ferry/],
  ])("open rejects a config.json with %s", async (_name, content, code, message) => {
    const store = new MemoryObjectStore();
    await store.put(CONFIG_KEY, Buffer.from(typeof content === "string" ? content : JSON.stringify(content)));
    const error = await errorOf(openRepository(store, { key: undefined, clock }));
    expect(isFerryError(error, code as "Integrity")).toBe(true);
    expect(error.message).toMatch(message);
  });
});
