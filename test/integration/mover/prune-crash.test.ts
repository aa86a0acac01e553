import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { backup } from "../../../src/mover/backup.js";
import { forget } from "../../../src/mover/forget.js";
import { prune } from "../../../src/mover/prune.js";
import { restore } from "../../../src/mover/restore.js";
import { DEFAULT_GROUP_BY } from "../../../src/mover/retention.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import type { ObjectStore } from "../../../src/repository/object-store.js";
import { FaultyStore } from "./faulty-store.js";
import { describeTree } from "./fixture.js";
import { backupHistory, clockAt, keys, type Generation } from "./history.js";

const key = deriveKey("crash test secret");
// Small new packs, so the repack uploads several and checkpoints in between.
const PACK_SIZE = 64 * 1024;

/**
 * A prune that fails at every delete and every put in turn (a crash there, as far as the
 * repository can tell) must leave every kept snapshot restorable — by a reader that simply
 * lists the index files, as restore does — and a later prune must finish the job.
 */
describe("prune crash safety", () => {
  let dir: string;
  let base: string;
  let kept: Generation[];
  let clean: { deletes: number; puts: number };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-prune-crash-"));
    base = join(dir, "base");
    const store = new FsObjectStore({ root: base, fsync: false });
    const history = await backupHistory({ store, key, source: join(dir, "src"), generations: 4 });
    await forget({ store, key, policy: { keepLast: 2, tags: {}, groupBy: DEFAULT_GROUP_BY } });
    kept = history.slice(2);
    // A clean run on a copy tells how many deletes and puts a prune makes here.
    const counting = new FaultyStore(new FsObjectStore({ root: await copyOfBase("clean"), fsync: false }));
    const report = await prune({ store: counting, key, clock: systemClock, packSize: PACK_SIZE });
    expect(report.packsRepacked).toBeGreaterThan(0);
    expect(report.packsWritten).toBeGreaterThan(1);
    clean = { deletes: counting.deletes, puts: counting.puts };
    expect(clean.deletes).toBeGreaterThan(10);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function copyOfBase(name: string): Promise<string> {
    const copy = join(dir, name);
    await cp(base, copy, { recursive: true });
    return copy;
  }

  async function expectKeptRestorable(store: ObjectStore, label: string): Promise<void> {
    for (const g of kept) {
      const target = join(dir, `${label}-${g.snapshotId.slice(0, 8)}`);
      await restore({ store, key, snapshot: g.snapshotId, target });
      expect((await describeTree(target)).entries).toEqual(g.entries);
      await rm(target, { recursive: true });
    }
  }

  async function crashAndRecover(label: string, fault: { delete?: number; put?: number }): Promise<void> {
    const root = await copyOfBase(label);
    const store = new FsObjectStore({ root, fsync: false });
    const faulty = new FaultyStore(store, fault.delete ?? 0, fault.put ?? 0);
    await expect(prune({ store: faulty, key, clock: systemClock, packSize: PACK_SIZE })).rejects.toThrow(
      /injected failure/,
    );
    expect(await keys(store, "locks/")).toEqual([]);
    await expectKeptRestorable(store, `${label}-crashed`);

    // The next prune finishes; the next backup indexes packs the crash left unindexed, and
    // the prune after it removes them.
    await prune({ store, key, clock: systemClock });
    await backup({ store, key, source: join(dir, "src"), parent: "latest", clock: clockAt(10) });
    const last = await prune({ store, key, clock: systemClock });
    expect(last.packsUnindexed).toBe(0);
    expect(await keys(store, "index/")).toHaveLength(1);
    await expectKeptRestorable(store, `${label}-pruned`);
    await rm(root, { recursive: true });
  }

  it("loses nothing when the Nth delete fails, for every N", async () => {
    for (let n = 1; n <= clean.deletes; n++) await crashAndRecover(`delete-${n}`, { delete: n });
  }, 600_000);

  it("loses nothing when the Nth put fails, for every N", async () => {
    for (let n = 1; n <= clean.puts; n++) await crashAndRecover(`put-${n}`, { put: n });
  }, 600_000);
});
