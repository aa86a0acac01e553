import { describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { acquireLock } from "../../../src/repository/locks.js";
import { pruneRepository } from "../../../src/repository/prune.js";
import { initRepository } from "../../../src/repository/repository.js";
import { MemoryObjectStore } from "../../helpers/memory-store.js";
import { configMaps, fixedClock, shopResources } from "./fixtures.js";

const startedAt = new Date("2026-11-21T05:00:00.000Z");

async function setUp() {
  const clock = fixedClock("2026-11-21T06:00:00.000Z");
  const store = new MemoryObjectStore();
  const repo = await initRepository(store, { key: undefined, clock });
  const kept = await repo.backups.writeBackup({
    name: "kept",
    sourceCluster: "c",
    startedAt,
    resources: shopResources(),
  });
  const gone = await repo.backups.writeBackup({
    name: "gone",
    sourceCluster: "c",
    startedAt,
    resources: configMaps(3),
  });
  // The mover's data lives beside ours; prune must leave it alone.
  await store.put("packs/ab/abcdef", Buffer.from("pack"));
  await store.put("snapshots/s1", Buffer.from("{}"));
  return { clock, store, repo, kept: kept.manifest, gone: gone.manifest };
}

describe("pruneRepository", () => {
  it("deletes the objects of deleted backups only", async () => {
    const { clock, store, repo, kept, gone } = await setUp();
    await repo.backups.deleteBackup("gone");
    const result = await pruneRepository(repo, { clock });
    expect(result).toMatchObject({ backups: 1, referenced: kept.groups.length, staleLocksRemoved: 0 });
    expect(result.deleted).toEqual(gone.groups.map((g) => g.object));
    for (const group of kept.groups) expect(await repo.content.hasObject(group.object)).toBe(true);
    for (const group of gone.groups) expect(await repo.content.hasObject(group.object)).toBe(false);
    expect(store.objects.has("packs/ab/abcdef")).toBe(true);
    expect(store.objects.has("snapshots/s1")).toBe(true);
    const backup = await repo.backups.readBackup("kept");
    let count = 0;
    for await (const _ of backup.resources()) count += 1;
    expect(count).toBe(kept.resourceCount);
  });

  it("a dry run deletes nothing", async () => {
    const { clock, repo, gone } = await setUp();
    await repo.backups.deleteBackup("gone");
    const result = await pruneRepository(repo, { clock, dryRun: true });
    expect(result.deleted.length).toBe(gone.groups.length);
    for (const group of gone.groups) expect(await repo.content.hasObject(group.object)).toBe(true);
  });

  it("refuses while a backup is being written, and clears a crashed writer's stale lock", async () => {
    const { clock, store, repo } = await setUp();
    await acquireLock(store, { operation: "backup", name: "running", clock });
    const error = await pruneRepository(repo, { clock }).catch((e: unknown) => e);
    expect(isFerryError(error, "Conflict")).toBe(true);
    expect((error as Error).message).toMatch(/backup running since 2026-11-21T06:00:00.000Z/);
    clock.set("2026-11-21T13:00:00.000Z");
    const result = await pruneRepository(repo, { clock });
    expect(result.staleLocksRemoved).toBe(1);
    expect([...store.objects.keys()].filter((k) => k.startsWith("locks/"))).toEqual([]);
  });

  it("aborts without deleting when a manifest cannot be read", async () => {
    const { clock, store, repo, gone } = await setUp();
    await repo.backups.deleteBackup("gone");
    store.objects.set("backups/kept/manifest.json", Buffer.from("garbage"));
    const error = await pruneRepository(repo, { clock }).catch((e: unknown) => e);
    expect(isFerryError(error, "Integrity")).toBe(true);
    for (const group of gone.groups) expect(await repo.content.hasObject(group.object)).toBe(true);
  });
});
