import { describe, expect, it } from "vitest";
import { FerryError, isFerryError } from "../../../src/core/errors.js";
import type { ProgressEvent } from "../../../src/core/progress.js";
import type { StoredResource } from "../../../src/repository/backup-manifest.js";
import { BackupStore } from "../../../src/repository/backup-store.js";
import { ContentStore, contentKey } from "../../../src/repository/content-store.js";
import { deriveKey, type RepositoryKey } from "../../../src/repository/crypto.js";
import { initRepository, openRepository, type Repository } from "../../../src/repository/repository.js";
import { MemoryObjectStore } from "../../helpers/memory-store.js";
import { configMaps, fixedClock, shopResources } from "./fixtures.js";

const KEY = deriveKey("backup key");
const clock = fixedClock();
const startedAt = new Date("2026-11-21T05:59:00.000Z");

async function repository(key?: RepositoryKey, store = new MemoryObjectStore()): Promise<Repository> {
  return initRepository(store, { key, clock });
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

const byRef = (a: StoredResource, b: StoredResource): number =>
  `${a.kind}/${a.metadata.namespace ?? ""}/${a.metadata.name}`.localeCompare(
    `${b.kind}/${b.metadata.namespace ?? ""}/${b.metadata.name}`,
  );

/** Counts puts under `objects/`; can fail the manifest put, as a crash before it would. */
class ObservedStore extends MemoryObjectStore {
  objectPuts = 0;
  failManifest = false;
  override put(key: string, data: Uint8Array): Promise<void> {
    if (key.startsWith("objects/")) this.objectPuts += 1;
    if (this.failManifest && key.endsWith("/manifest.json")) {
      return Promise.reject(new FerryError("IO", "simulated crash before the manifest"));
    }
    return super.put(key, data);
  }
}

describe("BackupStore", () => {
  it.each([
    ["unencrypted", undefined],
    ["encrypted", KEY],
  ])("writes a backup and reads every resource back (%s)", async (_name, key) => {
    const repo = await repository(key);
    const resources = shopResources();
    const result = await repo.backups.writeBackup({
      name: "shop-to-west",
      migration: "shop-to-west",
      sourceCluster: "east-1",
      startedAt,
      resources,
      labels: { "ferry.dev/migration": "shop-to-west" },
    });
    expect(result.manifest).toMatchObject({
      formatVersion: 1,
      name: "shop-to-west",
      migration: "shop-to-west",
      sourceCluster: "east-1",
      startedAt: "2026-11-21T05:59:00.000Z",
      completedAt: "2026-11-21T06:00:00.000Z",
      namespaces: ["shop"],
      resourceCount: 8,
    });
    expect(result.manifest.id).toMatch(/^[0-9a-f]{64}$/);
    // One group per namespace and kind: 2 ConfigMaps share one object.
    expect(
      result.manifest.groups.map((g) => `${g.namespace ?? "-"}/${g.groupKind}:${g.names.join(",")}`),
    ).toEqual([
      "-/CustomResourceDefinition.apiextensions.k8s.io:carts.shop.example.com",
      "-/Namespace:shop",
      "shop/ConfigMap:db-config,web-config",
      "shop/Deployment.apps:web",
      "shop/Secret:db-password",
      "shop/Service:web",
      "shop/StatefulSet.apps:db",
    ]);
    expect(result.objectsWritten).toBe(7);

    const reopened = await openRepository(repo.store, { key, clock });
    const backup = await reopened.backups.readBackup("shop-to-west");
    expect(backup.manifest).toEqual(result.manifest);
    expect((await all(backup.resources())).sort(byRef)).toEqual([...resources].sort(byRef));
    const onlyConfig = await all(backup.resources((g) => g.groupKind === "ConfigMap"));
    expect(onlyConfig.map((r) => r.metadata.name)).toEqual(["db-config", "web-config"]);
  });

  it("keeps secrets out of an encrypted repository's bytes", async () => {
    const repo = await repository(KEY);
    await repo.backups.writeBackup({
      name: "b",
      sourceCluster: "east-1",
      startedAt,
      resources: shopResources(),
    });
    const everything = Buffer.concat([...(repo.store as MemoryObjectStore).objects.values()]).toString(
      "latin1",
    );
    for (const needle of ["c2VjcmV0", "db-password", "east-1", "Deployment"])
      expect(everything).not.toContain(needle);
  });

  it("a backup whose manifest was never written does not exist", async () => {
    const store = new ObservedStore();
    const repo = await repository(undefined, store);
    store.failManifest = true;
    const error = await errorOf(
      repo.backups.writeBackup({
        name: "crashed",
        sourceCluster: "east-1",
        startedAt,
        resources: shopResources(),
      }),
    );
    expect(isFerryError(error, "IO")).toBe(true);
    expect(store.objectPuts).toBe(7);
    expect(await repo.backups.listBackups()).toEqual([]);
    expect(await repo.backups.hasBackup("crashed")).toBe(false);
    expect(isFerryError(await errorOf(repo.backups.readBackup("crashed")), "NotFound")).toBe(true);
    // The failed writer released its lock.
    expect([...store.objects.keys()].filter((k) => k.startsWith("locks/"))).toEqual([]);
  });

  it("stops uploading at the first failed object and reports that failure", async () => {
    const store = new ObservedStore();
    const repo = await repository(undefined, store);
    const backups = new BackupStore(repo.content, {
      key: undefined,
      clock,
      concurrency: 2,
      groupLimits: { maxCount: 1 },
    });
    const put = store.put.bind(store);
    store.put = (key: string, data: Uint8Array) =>
      key.startsWith("objects/") && store.objectPuts >= 3
        ? Promise.reject(new FerryError("IO", "disk full"))
        : put(key, data);
    const error = await errorOf(
      backups.writeBackup({ name: "partial", sourceCluster: "c", startedAt, resources: configMaps(40) }),
    );
    expect(isFerryError(error, "IO")).toBe(true);
    expect((error as Error).message).toBe("disk full");
    // Two in flight when the failure came; the other 36 groups were never sent.
    expect([...store.objects.keys()].filter((k) => k.startsWith("objects/")).length).toBeLessThanOrEqual(4);
    expect([...store.objects.keys()].filter((k) => !k.startsWith("objects/"))).toEqual(["config.json"]);
  });

  it("writing a backup again after a crash sends only the objects that are missing", async () => {
    const store = new ObservedStore();
    const repo = await repository(undefined, store);
    const resources = [...configMaps(40, "a"), ...configMaps(40, "b"), ...shopResources()];
    const groupLimits = { maxCount: 10 };
    const backups = new BackupStore(repo.content, { key: undefined, clock, groupLimits });
    // First attempt: dies before its manifest, after uploading everything; then lose a few
    // objects to model a crash part-way through the uploads.
    store.failManifest = true;
    await errorOf(backups.writeBackup({ name: "resumed", sourceCluster: "east-1", startedAt, resources }));
    const uploaded = store.objectPuts;
    expect(uploaded).toBe(8 + 7);
    const objectKeys = [...store.objects.keys()].filter((k) => k.startsWith("objects/")).sort();
    for (const key of objectKeys.slice(0, 3)) store.objects.delete(key);

    store.failManifest = false;
    store.objectPuts = 0;
    const fresh = await openRepository(store, { key: undefined, clock });
    const resumed = new BackupStore(fresh.content, { key: undefined, clock, groupLimits });
    const result = await resumed.writeBackup({
      name: "resumed",
      sourceCluster: "east-1",
      startedAt,
      resources,
    });
    expect(store.objectPuts).toBe(3);
    expect(result.objectsWritten).toBe(3);
    expect(result.objectsReused).toBe(12);
    expect((await all((await fresh.backups.readBackup("resumed")).resources())).length).toBe(
      resources.length,
    );
  });

  it("a second backup of unchanged resources uploads no objects", async () => {
    const store = new ObservedStore();
    const repo = await repository(KEY, store);
    await repo.backups.writeBackup({
      name: "run-1",
      sourceCluster: "east-1",
      startedAt,
      resources: shopResources(),
    });
    store.objectPuts = 0;
    // Reordered input: grouping sorts, so the stored bytes are identical.
    const again = await repo.backups.writeBackup({
      name: "run-2",
      sourceCluster: "east-1",
      startedAt,
      resources: shopResources().reverse(),
    });
    expect(store.objectPuts).toBe(0);
    expect(again.objectsReused).toBe(7);
    expect(await repo.backups.listBackups()).toEqual(["run-1", "run-2"]);
  });

  it("refuses to overwrite a backup unless asked to replace it", async () => {
    const repo = await repository();
    const input = { name: "b", sourceCluster: "east-1", startedAt, resources: shopResources() };
    await repo.backups.writeBackup(input);
    expect(isFerryError(await errorOf(repo.backups.writeBackup(input)), "Conflict")).toBe(true);
    const replaced = await repo.backups.writeBackup({ ...input, resources: configMaps(2), replace: true });
    expect((await repo.backups.readManifest("b")).id).toBe(replaced.manifest.id);
  });

  it("deletes a backup's manifest and leaves its objects for prune", async () => {
    const repo = await repository();
    const { manifest } = await repo.backups.writeBackup({
      name: "b",
      sourceCluster: "east-1",
      startedAt,
      resources: shopResources(),
    });
    expect(await repo.backups.deleteBackup("b")).toBe(true);
    expect(await repo.backups.deleteBackup("b")).toBe(false);
    expect(await repo.backups.listBackups()).toEqual([]);
    expect(await repo.content.hasObject(manifest.groups[0]?.object ?? "")).toBe(true);
  });

  it.each([
    ["a tampered resource object", "object"],
    ["a tampered manifest", "manifest"],
  ])("detects %s while reading", async (_name, target) => {
    const repo = await repository();
    const { manifest } = await repo.backups.writeBackup({
      name: "b",
      sourceCluster: "east-1",
      startedAt,
      resources: shopResources(),
    });
    const store = repo.store as MemoryObjectStore;
    if (target === "object") {
      const key = contentKey(manifest.groups[2]?.object ?? "");
      // A well-formed object with other content under this id.
      const forged = (await repo.content.putObject(Buffer.from("[]"))).id;
      store.objects.set(key, store.objects.get(contentKey(forged)) ?? new Uint8Array());
      const backup = await repo.backups.readBackup("b");
      expect(isFerryError(await errorOf(all(backup.resources())), "Integrity")).toBe(true);
    } else {
      const key = "backups/b/manifest.json";
      const text = Buffer.from(store.objects.get(key) ?? [])
        .toString()
        .replace('"east-1"', '"evil-1"');
      store.objects.set(key, Buffer.from(text));
      expect(isFerryError(await errorOf(repo.backups.readBackup("b")), "Integrity")).toBe(true);
    }
  });

  it("an encrypted backup cannot be read with the wrong key", async () => {
    const repo = await repository(KEY);
    await repo.backups.writeBackup({
      name: "b",
      sourceCluster: "east-1",
      startedAt,
      resources: shopResources(),
    });
    const other = deriveKey("not it");
    const wrong = new BackupStore(new ContentStore(repo.store, { key: other }), { key: other, clock });
    expect(isFerryError(await errorOf(wrong.readBackup("b")), "Integrity")).toBe(true);
  });

  it.each(["", "UPPER", "a/b", "..", "-lead", "trail-", "a..b", "x".repeat(254)])(
    "rejects the backup name %j",
    async (name) => {
      const repo = await repository();
      const error = await errorOf(
        repo.backups.writeBackup({ name, sourceCluster: "c", startedAt, resources: [] }),
      );
      expect(isFerryError(error, "Invalid")).toBe(true);
    },
  );

  it("reports progress in resources and bytes, ending at the totals", async () => {
    const repo = await repository();
    const events: ProgressEvent[] = [];
    const resources = configMaps(30);
    await repo.backups.writeBackup({
      name: "p",
      sourceCluster: "east-1",
      startedAt,
      resources,
      onProgress: (e) => events.push(e),
    });
    const last = events.at(-1);
    expect(events[0]).toMatchObject({ task: "backup:p", done: 0, total: 30 });
    expect(last?.done).toBe(30);
    expect(last?.bytesDone).toBe(last?.bytesTotal);
  });

  it("stops when its signal is aborted and writes no manifest", async () => {
    const repo = await repository();
    const controller = new AbortController();
    controller.abort();
    const error = await errorOf(
      repo.backups.writeBackup({
        name: "aborted",
        sourceCluster: "east-1",
        startedAt,
        resources: shopResources(),
        signal: controller.signal,
      }),
    );
    expect(isFerryError(error, "Aborted")).toBe(true);
    expect(await repo.backups.hasBackup("aborted")).toBe(false);
  });

  it("an empty backup is a valid backup", async () => {
    const repo = await repository();
    const { manifest } = await repo.backups.writeBackup({
      name: "empty",
      sourceCluster: "c",
      startedAt,
      resources: [],
    });
    expect(manifest).toMatchObject({ resourceCount: 0, groups: [], namespaces: [] });
    expect(await all((await repo.backups.readBackup("empty")).resources())).toEqual([]);
  });
});
