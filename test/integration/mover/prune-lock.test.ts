import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock, type Clock } from "../../../src/core/clock.js";
import { isFerryError } from "../../../src/core/errors.js";
import { backup } from "../../../src/mover/backup.js";
import { forget } from "../../../src/mover/forget.js";
import { acquireMoverLock, withMoverLock } from "../../../src/mover/lock.js";
import { prune } from "../../../src/mover/prune.js";
import { restore } from "../../../src/mover/restore.js";
import { DEFAULT_GROUP_BY } from "../../../src/mover/retention.js";
import { DelegatingStore } from "../../helpers/delegating-store.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import type { ObjectStore } from "../../../src/repository/object-store.js";
import { describeTree } from "./fixture.js";
import { backupHistory, clockAt, keys, writeGeneration } from "./history.js";

/** Holds every index write until `open()`: the backup's packs are uploaded but named by no index. */
class IndexGate extends DelegatingStore {
  private release: () => void = () => undefined;
  private readonly gate = new Promise<void>((r) => (this.release = r));
  reached: Promise<void>;
  private onReach: () => void = () => undefined;

  constructor(inner: ObjectStore) {
    super(inner);
    this.reached = new Promise((r) => (this.onReach = r));
  }
  open(): void {
    this.release();
  }
  override async put(key: string, data: Uint8Array): Promise<void> {
    if (key.startsWith("index/")) {
      this.onReach();
      await this.gate;
    }
    await this.inner.put(key, data);
  }
}

describe("prune and concurrent backups", () => {
  let dir: string;
  let store: FsObjectStore;
  const source = (): string => join(dir, "src");
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-prune-lock-"));
    store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
    await backupHistory({ store, key: undefined, source: source(), generations: 2 });
    // Garbage for prune to take: the first snapshot's own packs.
    await forget({ store, policy: { keepLast: 1, tags: {}, groupBy: DEFAULT_GROUP_BY } });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses to prune while a backup uploads packs no index names yet, and deletes none of them", async () => {
    await writeGeneration(source(), 2);
    const packsBefore = new Set(await keys(store, "packs/"));
    const gated = new IndexGate(store);
    const running = withMoverLock({ store, kind: "backup", clock: systemClock }, () =>
      backup({ store: gated, source: source(), parent: "latest", packSize: 256 * 1024, clock: clockAt(2) }),
    );
    await gated.reached;
    const uploading = (await keys(store, "packs/")).filter((k) => !packsBefore.has(k));
    expect(uploading.length).toBeGreaterThan(0);

    const refused = await prune({ store, clock: systemClock }).catch((e: unknown) => e);
    expect(isFerryError(refused, "Conflict") && refused.message).toMatch(/locked: backup by/);
    expect(await keys(store, "packs/")).toEqual(expect.arrayContaining(uploading));

    gated.open();
    const done = await running;
    const pruned = await prune({ store, clock: systemClock });
    expect(pruned.packsRemoved).toBeGreaterThan(0);
    const target = join(dir, "restored");
    await restore({ store, snapshot: done.snapshotId, target });
    expect((await describeTree(target)).entries).toEqual((await describeTree(source())).entries);
  });

  it("refuses a backup while a prune holds the repository, writing nothing", async () => {
    const held = await acquireMoverLock({ store, kind: "prune", clock: systemClock });
    const packs = await keys(store, "packs/");
    const refused = await withMoverLock({ store, kind: "backup", clock: systemClock }, () =>
      backup({ store, source: source(), parent: "latest" }),
    ).catch((e: unknown) => e);
    expect(isFerryError(refused, "Conflict") && refused.message).toMatch(/locked: prune by/);
    expect(await keys(store, "packs/")).toEqual(packs);
    expect(await keys(store, "locks/")).toEqual([held.key]);
    await held.release();
  });

  it("after a killed backup (stale lock, unindexed packs) prunes, keeps those packs, and the next backup reuses them", async () => {
    await writeGeneration(source(), 2);
    // The killed run: its lock dates from an hour ago and was never renewed or released, and
    // its index writes never happened.
    const hourAgo: Clock = {
      now: () => new Date(Date.now() - 3_600_000),
      sleep: () => new Promise(() => undefined),
    };
    const dead = await acquireMoverLock({ store, kind: "backup", clock: hourAgo });
    const packsBefore = new Set(await keys(store, "packs/"));
    const gated = new IndexGate(store);
    void backup({ store: gated, source: source(), parent: "latest", packSize: 256 * 1024 });
    await gated.reached;
    const orphans = (await keys(store, "packs/")).filter((k) => !packsBefore.has(k));
    expect(orphans.length).toBeGreaterThan(0);

    const pruned = await prune({ store, clock: systemClock });
    expect(pruned.packsUnindexed).toBe(orphans.length);
    expect(await keys(store, "packs/")).toEqual(expect.arrayContaining(orphans));
    expect(await keys(store, "locks/")).not.toContain(dead.key);

    const next = await backup({ store, source: source(), parent: "latest", clock: clockAt(3) });
    expect(next.snapshot.stats.chunksNew).toBe(0); // every new chunk was in the orphan packs
    const target = join(dir, "restored");
    await restore({ store, snapshot: next.snapshotId, target });
    expect((await describeTree(target)).entries).toEqual((await describeTree(source())).entries);
    expect((await prune({ store, clock: systemClock })).packsUnindexed).toBe(0);
  });
});
