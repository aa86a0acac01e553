import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import { loadIndexFiles, writeIndexFile } from "./index-files.js";
import { acquireMoverLock, type MoverLock, type MoverLockOptions } from "./lock.js";
import { markUsedBlobs } from "./mark.js";
import { packIdOfKey, packKey, packTrailer } from "./pack.js";
import { planPrune } from "./prune-plan.js";
import { repackBlobs } from "./repack.js";
import type { IndexedPack } from "./repo-index.js";
import { listSnapshots } from "./snapshot.js";
import { openWithoutIndex } from "./unindexed-view.js";

export interface PruneOptions {
  readonly store: ObjectStore;
  readonly key?: RepositoryKey | undefined;
  readonly clock: Clock;
  /** Largest unused share of a pack's bytes that is left in place (default 0.05, restic's 5%). */
  readonly maxUnused?: number;
  /** Decide and report only: nothing is written or deleted, and no lock is taken. */
  readonly dryRun?: boolean;
  /** Target size of new packs (default: the pack session's, 4 MiB). */
  readonly packSize?: number;
  readonly signal?: AbortSignal | undefined;
  /** An exclusive lock the caller holds already (`forget --prune`); otherwise prune takes one. */
  readonly lock?: MoverLock;
  /** Snapshots to count as gone: `forget --prune --dry-run` reports what the pair would do. */
  readonly forgotten?: ReadonlySet<string>;
  readonly lockOptions?: Pick<MoverLockOptions, "hostname" | "staleAfterMs" | "refreshEveryMs">;
}

export interface PruneReport {
  readonly dryRun: boolean;
  readonly snapshots: number;
  /** Indexed packs before the prune. */
  readonly packs: number;
  readonly blobs: number;
  readonly usedBlobs: number;
  readonly packsRemoved: number;
  readonly packsRepacked: number;
  readonly packsWritten: number;
  /** Packs no index names (a backup killed before its checkpoint): never deleted here. */
  readonly packsUnindexed: number;
  /** Pack bytes deleted (packs without used blobs and repacked packs). */
  readonly bytesRemoved: number;
  /** New packs and index files. */
  readonly bytesWritten: number;
  /** Stored bytes of the blobs the snapshots use. */
  readonly usedBytes: number;
  readonly unusedBytesBefore: number;
  readonly unusedBytesAfter: number;
  readonly indexFilesRemoved: number;
  readonly indexFilesWritten: number;
}

/**
 * Removes what no snapshot reaches, under an exclusive lock (backups and restores hold shared
 * ones, so no backup is uploading packs no index names yet, and none is reusing a blob about
 * to go). Order, so that a crash anywhere loses nothing and a reader listing `index/` at any
 * moment finds every blob of every snapshot:
 *
 * 1. load the index files, list snapshots, mark reachable blobs, plan (pure);
 * 2. copy the used blobs of mostly-unused packs into new packs (indexed by their own files);
 * 3. write one index file for the kept and the new packs;
 * 4. delete the old index files (and the repack's own), then
 * 5. delete the packs without used blobs and the repacked ones.
 *
 * A crash after 4 leaves packs no index names: the next backup indexes them again (as it does
 * for any unindexed pack) and the next prune collects them.
 */
export async function prune(options: PruneOptions): Promise<PruneReport> {
  if (options.dryRun === true || options.lock !== undefined) return pruneHolding(options, options.lock);
  const lock = await acquireMoverLock({
    ...options.lockOptions,
    store: options.store,
    kind: "prune",
    clock: options.clock,
  });
  try {
    return await pruneHolding(options, lock);
  } finally {
    await lock.release();
  }
}

async function pruneHolding(options: PruneOptions, lock: MoverLock | undefined): Promise<PruneReport> {
  const { store, key, signal } = options;
  const check = (): void => {
    lock?.check();
    if (signal?.aborted === true) throw new FerryError("Aborted", "the prune was aborted");
  };
  const reader = await openWithoutIndex(store, key);
  const old = await loadIndexFiles(store, reader);
  for (const pack of old.packs) reader.index.addPack(pack);
  const snapshots = (await listSnapshots(reader)).filter((s) => options.forgotten?.has(s.id) !== true);
  const used = await markUsedBlobs(reader, snapshots, signal);
  const plan = planPrune(old.packs, used, options.maxUnused ?? 0.05);
  const doomed = [...plan.remove, ...plan.repack.map((r) => r.pack)];
  const base = {
    snapshots: snapshots.length,
    packs: plan.stats.packs,
    blobs: plan.stats.blobs,
    usedBlobs: plan.stats.usedBlobs,
    packsRemoved: plan.remove.length,
    packsRepacked: plan.repack.length,
    packsUnindexed: await countUnindexed(store, old.packs),
    bytesRemoved: doomed.reduce((n, p) => n + packSize(p, key), 0),
    usedBytes: plan.stats.usedBytes,
    unusedBytesBefore: plan.stats.unusedBytes,
    unusedBytesAfter: plan.stats.unusedBytesAfter,
  };
  const nothingToDo = doomed.length === 0 && old.files.length <= 1;
  if (options.dryRun === true || nothingToDo) {
    return {
      ...base,
      dryRun: options.dryRun === true,
      packsWritten: 0,
      bytesWritten: 0,
      indexFilesRemoved: 0,
      indexFilesWritten: 0,
    };
  }

  check();
  const repacked = await repackBlobs({
    from: reader,
    to: await openWithoutIndex(store, key),
    items: plan.repack,
    ...(options.packSize === undefined ? {} : { packSize: options.packSize }),
    signal,
    beforePack: check,
  });
  check();
  // The repack's own index files (and any other written since step 1) are folded in too.
  const fresh = await loadIndexFiles(store, reader, new Set(old.files));
  const remaining = dedupe([...plan.keep, ...fresh.packs]);
  const written = remaining.length === 0 ? undefined : await writeIndexFile(reader, remaining);
  check();
  const staleFiles = [...old.files, ...fresh.files].filter((f) => f !== written?.key);
  for (const file of staleFiles) await store.delete(file);
  check();
  // A new pack can have the very name of a doomed one (a plain repack of the same blobs in the
  // same order as a pack that only held duplicates): the new index names it, so it stays.
  const indexed = new Set(remaining.map((p) => p.id));
  for (const pack of doomed) if (!indexed.has(pack.id)) await store.delete(packKey(pack.id));
  return {
    ...base,
    dryRun: false,
    packsWritten: repacked.packs,
    bytesWritten: repacked.bytesWritten + (written?.bytes ?? 0),
    indexFilesRemoved: staleFiles.length,
    indexFilesWritten: written === undefined ? 0 : 1,
  };
}

/** A pack's stored size: its blobs plus its header and trailer. */
function packSize(pack: IndexedPack, key: RepositoryKey | undefined): number {
  return pack.blobs.reduce((n, b) => n + b.length, packTrailer(pack.blobs, key).byteLength);
}

function dedupe(packs: readonly IndexedPack[]): IndexedPack[] {
  const seen = new Set<string>();
  return packs.filter((p) => !seen.has(p.id) && seen.add(p.id));
}

async function countUnindexed(store: ObjectStore, indexed: readonly IndexedPack[]): Promise<number> {
  const ids = new Set(indexed.map((p) => p.id));
  let n = 0;
  for await (const k of store.list("packs/")) {
    const id = packIdOfKey(k);
    if (id !== undefined && !ids.has(id)) n += 1;
  }
  return n;
}
