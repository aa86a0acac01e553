import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { backup } from "../../../src/mover/backup.js";
import { forget } from "../../../src/mover/forget.js";
import { prune } from "../../../src/mover/prune.js";
import { restore } from "../../../src/mover/restore.js";
import { DEFAULT_GROUP_BY } from "../../../src/mover/retention.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import { describeTree } from "./fixture.js";
import { backupHistory, clockAt, du, keys } from "./history.js";

describe.each([
  { name: "plain", key: undefined, compression: "off" as const },
  { name: "encrypted, deflate", key: deriveKey("prune test secret"), compression: "deflate" as const },
])("forget + prune ($name)", ({ key, compression }) => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-prune-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the last two snapshots byte-identical, drops the rest and shrinks the repository", async () => {
    const repoDir = join(dir, "repo");
    const store = new FsObjectStore({ root: repoDir, fsync: false });
    const history = await backupHistory({
      store,
      key,
      source: join(dir, "src"),
      generations: 5,
      compression,
    });
    const sizeBefore = await du(repoDir);
    const indexFilesBefore = (await keys(store, "index/")).length;
    expect(indexFilesBefore).toBeGreaterThan(1);

    const forgot = await forget({
      store,
      key,
      policy: { keepLast: 2, tags: { pvc: "data-0" }, groupBy: DEFAULT_GROUP_BY },
    });
    expect(forgot.removed.map((s) => s.id).sort()).toEqual(
      history
        .slice(0, 3)
        .map((h) => h.snapshotId)
        .sort(),
    );
    expect(forgot.kept.map((s) => s.id)).toEqual([history[4]?.snapshotId, history[3]?.snapshotId]);

    const report = await prune({ store, key, clock: systemClock });
    expect(report).toMatchObject({ dryRun: false, snapshots: 2, indexFilesWritten: 1 });
    expect(report.indexFilesRemoved).toBe(indexFilesBefore + (report.packsWritten > 0 ? 1 : 0));
    expect(report.packsRemoved).toBeGreaterThan(0);
    expect(report.packsRepacked).toBeGreaterThan(0);
    expect(report.unusedBytesAfter).toBeLessThanOrEqual(0.05 * (report.usedBytes + report.unusedBytesAfter));
    // The repository shrank by at least the packs removed less what was written (old index files went too).
    const sizeAfter = await du(repoDir);
    expect(sizeBefore - sizeAfter).toBeGreaterThanOrEqual(report.bytesRemoved - report.bytesWritten);
    expect(report.bytesRemoved - report.bytesWritten).toBeGreaterThan(sizeBefore / 5);
    expect(await keys(store, "index/")).toHaveLength(1);
    expect(await keys(store, "locks/")).toEqual([]);
    expect((await keys(store, "packs/")).length).toBe(
      report.packs - report.packsRemoved - report.packsRepacked + report.packsWritten,
    );

    for (const kept of history.slice(3)) {
      const target = join(dir, `restore-${kept.snapshotId.slice(0, 8)}`);
      await restore({ store, key, snapshot: kept.snapshotId, target });
      expect((await describeTree(target)).entries).toEqual(kept.entries);
    }
    for (const gone of history.slice(0, 3)) {
      await expect(
        restore({ store, key, snapshot: gone.snapshotId, target: join(dir, "x") }),
      ).rejects.toThrow(/not found/);
    }

    // A second prune finds nothing to do; a dry run reports the same without writing.
    const again = await prune({ store, key, clock: systemClock, dryRun: true });
    expect(again).toMatchObject({
      dryRun: true,
      packsRemoved: 0,
      packsRepacked: 0,
      unusedBytesBefore: report.unusedBytesAfter,
    });
    expect(await prune({ store, key, clock: systemClock })).toMatchObject({
      packsRemoved: 0,
      indexFilesWritten: 0,
    });

    // Backups go on from the pruned repository.
    const next = await backup({ store, key, source: join(dir, "src"), parent: "latest", clock: clockAt(9) });
    expect(next.snapshot.stats.filesUnmodified).toBeGreaterThan(30);
    const target = join(dir, "restore-next");
    await restore({ store, key, snapshot: next.snapshotId, target });
    expect((await describeTree(target)).entries).toEqual((await describeTree(join(dir, "src"))).entries);
  });

  it("a dry run changes nothing and predicts the real run", async () => {
    const repoDir = join(dir, "repo");
    const store = new FsObjectStore({ root: repoDir, fsync: false });
    await backupHistory({ store, key, source: join(dir, "src"), generations: 3, compression });
    const policy = { keepLast: 1, tags: {}, groupBy: DEFAULT_GROUP_BY };
    const listing = async (): Promise<string[]> => [
      ...(await keys(store, "packs/")),
      ...(await keys(store, "index/")),
      ...(await keys(store, "snapshots/")),
    ];
    const before = await listing();
    const forgot = await forget({ store, key, policy, dryRun: true });
    expect(forgot.removed).toHaveLength(2);
    const forgotten = new Set(forgot.removed.map((s) => s.id));
    const predicted = await prune({ store, key, clock: systemClock, dryRun: true, forgotten });
    expect(predicted).toMatchObject({ dryRun: true, snapshots: 1, packsWritten: 0, bytesWritten: 0 });
    expect(predicted.packsRemoved).toBeGreaterThan(0);
    expect(await listing()).toEqual(before);

    await forget({ store, key, policy });
    const real = await prune({ store, key, clock: systemClock });
    const {
      dryRun: _d,
      packsWritten: _p,
      bytesWritten: _b,
      indexFilesRemoved: _r,
      indexFilesWritten: _w,
      ...plan
    } = predicted;
    expect(real).toMatchObject(plan);
  });
});
