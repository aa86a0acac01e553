import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { isFerryError } from "../../../src/core/errors.js";
import { prune } from "../../../src/mover/prune.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import { backupHistory, keys } from "./history.js";

describe("prune of a damaged repository", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-prune-damaged-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("stops before deleting anything when a snapshot names a blob no index file knows", async () => {
    const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
    await backupHistory({ store, key: undefined, source: join(dir, "src"), generations: 2 });
    // Lose every index file: the packs are all still there, but no index names them.
    for (const f of await keys(store, "index/")) await store.delete(f);
    const packs = await keys(store, "packs/");

    const outcome = await prune({ store, clock: systemClock }).catch((e: unknown) => e);
    expect(isFerryError(outcome, "Integrity") && outcome.message).toMatch(
      /snapshot [0-9a-f]{64}: blob [0-9a-f]{64} is in no index file; nothing was pruned/,
    );
    expect(await keys(store, "packs/")).toEqual(packs);
    expect(await keys(store, "snapshots/")).toHaveLength(2);
    expect(await keys(store, "locks/")).toEqual([]);
  });
});
