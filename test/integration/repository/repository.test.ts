import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { FerryError, isFerryError } from "../../../src/core/errors.js";
import type { ReplicationRepositorySpec } from "../../../src/manifests/types.js";
import type { StoredResource } from "../../../src/repository/backup-manifest.js";
import { BackupStore } from "../../../src/repository/backup-store.js";
import { ContentStore, contentKey } from "../../../src/repository/content-store.js";
import { DelegatingStore } from "../../helpers/delegating-store.js";
import { openObjectStore } from "../../../src/repository/open-store.js";
import { openReplicationRepository, openRepository } from "../../../src/repository/repository.js";
import { S3ObjectStore } from "../../../src/repository/s3-store.js";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "../../helpers/s3rver.js";

/**
 * The repository end to end on both real backends, opened the way the engine opens it:
 * from a ReplicationRepository spec, credentials and key read from the environment.
 */
const clock: Clock = { now: () => new Date("2026-11-21T06:00:00Z"), sleep: () => Promise.resolve() };
const env = {
  FERRY_REPOSITORY_KEY: "integration key",
  TEST_S3_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
  TEST_S3_SECRET: S3RVER_CREDENTIALS.secretAccessKey,
};
const startedAt = new Date("2026-11-21T05:59:00Z");

let s3: RunningS3rver;
let folder: string;
let specs = 0;
beforeAll(async () => {
  s3 = await startS3rver(["ferry"]);
  folder = await mkdtemp(join(tmpdir(), "ferry-repo-it-"));
});
afterAll(async () => {
  await s3.stop();
  await rm(folder, { recursive: true, force: true });
});

interface Backend {
  readonly name: string;
  /** A fresh, empty repository location per call. */
  spec(encrypted: boolean): ReplicationRepositorySpec;
}
const encryption = { keyEnv: "FERRY_REPOSITORY_KEY" };
const backends: Backend[] = [
  {
    name: "filesystem",
    spec: (encrypted) => ({
      filesystem: { path: `repo-${(specs += 1)}` },
      ...(encrypted ? { encryption } : {}),
    }),
  },
  {
    name: "s3",
    spec: (encrypted) => ({
      s3: {
        bucket: "ferry",
        prefix: `repo-${(specs += 1)}/`,
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentialsEnv: { accessKeyId: "TEST_S3_KEY_ID", secretAccessKey: "TEST_S3_SECRET" },
      },
      ...(encrypted ? { encryption } : {}),
    }),
  },
];

function resources(count: number): StoredResource[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: i % 2 === 0 ? "v1" : "apps/v1",
    kind: i % 2 === 0 ? "ConfigMap" : "Deployment",
    metadata: { name: `obj-${i}`, namespace: i % 3 === 0 ? "shop" : "cart" },
    data: { value: `payload ${i} `.repeat(20) },
  }));
}

/** Wraps a store: counts object uploads and can fail the manifest write like a crash would. */
class ObservedStore extends DelegatingStore {
  objectPuts = 0;
  failManifest = false;
  override put(key: string, data: Uint8Array): Promise<void> {
    if (key.startsWith("objects/")) this.objectPuts += 1;
    if (this.failManifest && key.endsWith("manifest.json"))
      return Promise.reject(new FerryError("IO", "crash"));
    return this.inner.put(key, data);
  }
}

const toClose: (() => void)[] = [];
afterEach(() => {
  for (const close of toClose.splice(0)) close();
});
function raw(spec: ReplicationRepositorySpec) {
  const opened = openObjectStore(spec, { env, baseDir: folder });
  toClose.push(opened.close);
  return opened;
}
async function open(spec: ReplicationRepositorySpec, create = false) {
  const repo = await openReplicationRepository(spec, { env, baseDir: folder, clock, create });
  toClose.push(repo.close);
  return repo;
}

describe.each(backends)("replication repository on $name", (backend) => {
  it.each([
    ["unencrypted", false],
    ["encrypted", true],
  ])("stores a backup and reads it back through a fresh open (%s)", async (_name, encrypted) => {
    const spec = backend.spec(encrypted);
    const writer = await open(spec, true);
    const input = resources(60);
    const { manifest } = await writer.backups.writeBackup({
      name: "shop-1",
      migration: "shop",
      sourceCluster: "east-1",
      startedAt,
      resources: input,
    });
    const reader = await open(spec);
    expect(await reader.backups.listBackups()).toEqual(["shop-1"]);
    const backup = await reader.backups.readBackup("shop-1");
    expect(backup.manifest).toEqual(manifest);
    const read: StoredResource[] = [];
    for await (const r of backup.resources()) read.push(r);
    const byName = (a: StoredResource, b: StoredResource) => a.metadata.name.localeCompare(b.metadata.name);
    expect(read.sort(byName)).toEqual([...input].sort(byName));
  });

  it("refuses a wrong key with a clear error", async () => {
    const spec = backend.spec(true);
    await open(spec, true);
    const error = await openReplicationRepository(spec, {
      env: { ...env, FERRY_REPOSITORY_KEY: "not the key" },
      baseDir: folder,
      clock,
    }).catch((e: unknown) => e);
    expect(isFerryError(error, "Invalid")).toBe(true);
    expect((error as Error).message).toMatch(/encryption key does not match .* \(wrong key\)/);
    expect((error as Error).message).not.toContain("not the key");
  });

  it("detects an object tampered with in the backend", async () => {
    const spec = backend.spec(false);
    const repo = await open(spec, true);
    const { manifest } = await repo.backups.writeBackup({
      name: "b",
      sourceCluster: "east-1",
      startedAt,
      resources: resources(10),
    });
    const victim = contentKey(manifest.groups[0]?.object ?? "");
    const store = raw(spec).store;
    const bytes = Buffer.from(await store.get(victim));
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
    if (backend.name === "filesystem") {
      // Behind Ferry's back, as a disk or an operator would.
      const file = join(folder, spec.filesystem?.path ?? "", ...victim.split("/"));
      expect(Buffer.from(await readFile(file)).length).toBe(bytes.length);
      await writeFile(file, bytes);
    } else {
      await store.put(victim, bytes);
    }
    const backup = await (await open(spec)).backups.readBackup("b");
    const error = await (async () => {
      for await (const _ of backup.resources()) void _;
    })().catch((e: unknown) => e);
    expect(isFerryError(error, "Integrity")).toBe(true);
  });

  it("lists a backup only once its manifest is written, and a resumed write sends only what is missing", async () => {
    const spec = backend.spec(true);
    await open(spec, true);
    const opened = raw(spec);
    const observed = new ObservedStore(opened.store);
    const repo = await openRepository(observed, { key: opened.key, clock });
    const backups = new BackupStore(repo.content, { key: opened.key, clock, groupLimits: { maxCount: 5 } });
    const input = resources(50);

    observed.failManifest = true;
    const crash = await backups
      .writeBackup({ name: "resume-me", sourceCluster: "east-1", startedAt, resources: input })
      .catch((e: unknown) => e);
    expect(isFerryError(crash, "IO")).toBe(true);
    const groups = observed.objectPuts;
    expect(groups).toBeGreaterThan(5);
    expect(await repo.backups.listBackups()).toEqual([]);

    // Lose two uploaded objects, as if the crash had come before they were sent.
    const objectKeys: string[] = [];
    for await (const key of opened.store.list("objects/")) objectKeys.push(key);
    expect(objectKeys.length).toBe(groups);
    for (const key of objectKeys.slice(-2)) await opened.store.delete(key);

    observed.failManifest = false;
    observed.objectPuts = 0;
    const fresh = new BackupStore(new ContentStore(observed, { key: opened.key }), {
      key: opened.key,
      clock,
      groupLimits: { maxCount: 5 },
    });
    const result = await fresh.writeBackup({
      name: "resume-me",
      sourceCluster: "east-1",
      startedAt,
      resources: input,
    });
    expect(observed.objectPuts).toBe(2);
    expect(result.objectsReused).toBe(groups - 2);
    expect(await repo.backups.listBackups()).toEqual(["resume-me"]);
    let count = 0;
    for await (const _ of (await repo.backups.readBackup("resume-me")).resources()) count += 1;
    expect(count).toBe(50);
  });
});

describe("layout", () => {
  it("a repository folder copied key by key into a bucket opens and reads there", async () => {
    const [fsBackend, s3Backend] = backends;
    if (fsBackend === undefined || s3Backend === undefined) throw new Error("backends");
    const from = fsBackend.spec(true);
    const to = s3Backend.spec(true);
    const writer = await open(from, true);
    const { manifest } = await writer.backups.writeBackup({
      name: "portable",
      sourceCluster: "east-1",
      startedAt,
      resources: resources(30),
    });
    const source = raw(from).store;
    const target = raw(to).store;
    for await (const key of source.list("")) await target.put(key, await source.get(key));
    const copy = await open(to);
    expect(copy.config).toEqual(writer.config);
    const backup = await copy.backups.readBackup("portable");
    expect(backup.manifest).toEqual(manifest);
    let count = 0;
    for await (const _ of backup.resources()) count += 1;
    expect(count).toBe(30);
  });
});

describe("S3 backend failures", () => {
  it("a missing bucket is a Remote error with the HTTP status, not NotFound", async () => {
    const store = new S3ObjectStore({
      bucket: "no-such-bucket",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    toClose.push(() => store.destroy());
    // HEAD responses have no body, so has() cannot tell a missing bucket from a missing
    // key; get, put and list can, and one of them comes first in every repository open.
    expect(await store.has("k")).toBe(false);
    for (const attempt of [() => store.get("k"), () => store.put("k", Buffer.from("x"))]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(isFerryError(error, "Remote")).toBe(true);
      expect((error as FerryError).data).toMatchObject({ status: 404 });
      expect((error as FerryError).message).toContain("s3://no-such-bucket/");
    }
    const get = (await store.get("k").catch((e: unknown) => e)) as FerryError;
    expect(get.data["s3Code"]).toBe("NoSuchBucket");
  });

  it("rejected credentials are a Remote 403 whose message holds neither credential", async () => {
    const store = new S3ObjectStore({
      bucket: "ferry",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "distinctive-secret-value" },
    });
    toClose.push(() => store.destroy());
    for (const attempt of [
      () => store.get("k"),
      () => store.has("k"),
      () => store.put("k", Buffer.from("x")),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(isFerryError(error, "Remote")).toBe(true);
      const ferry = error as FerryError;
      expect(ferry.data).toMatchObject({ status: 403 });
      expect(ferry.message).toMatch(/HTTP 403/);
      expect(ferry.message).not.toContain("distinctive-secret-value");
      expect(ferry.message).not.toContain("AKIAIOSFODNN7EXAMPLE");
    }
  });

  it("an unreachable endpoint is a Remote error after the SDK's attempts", async () => {
    const store = new S3ObjectStore({
      bucket: "ferry",
      endpoint: "http://127.0.0.1:1",
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
      maxAttempts: 1,
    });
    toClose.push(() => store.destroy());
    const error = await store.get("k").catch((e: unknown) => e);
    expect(isFerryError(error, "Remote")).toBe(true);
    expect((error as FerryError).data["errno"]).toBe("ECONNREFUSED");
  });
});
