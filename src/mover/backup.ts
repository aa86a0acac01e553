import { hostname as osHostname } from "node:os";
import { lstat } from "node:fs/promises";
import { resolve } from "node:path";
import type { BigIntStats } from "node:fs";
import { systemClock, type Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { ProgressSink } from "../core/progress.js";
import type { RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import type { Compression } from "./blob-codec.js";
import { defaultChunkerParams, type ChunkerParams } from "./chunker.js";
import { BackupRun } from "./backup-run.js";
import { PackSession } from "./pack-session.js";
import { repositoryGearSeed } from "./repo-cutter.js";
import { MoverRepository } from "./repository.js";
import { loadSnapshot, saveSnapshot, type BackupStats, type Snapshot } from "./snapshot.js";
import { ReadPool } from "./workers/read-pool.js";

export interface BackupOptions {
  readonly store: ObjectStore;
  /** Encrypts every stored byte when present. */
  readonly key?: RepositoryKey | undefined;
  /** The directory to back up. */
  readonly source: string;
  /** Snapshot (id, prefix or `latest`) whose unchanged files are skipped by metadata. */
  readonly parent?: string | undefined;
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Skip unchanged files by size and mtime only, not inode number and ctime (restic's
   * `--ignore-inode` + `--ignore-ctime`): for sources that are fresh copies each run, e.g.
   * claims restored from volume snapshots, whose inodes and ctimes are always new.
   */
  readonly ignoreInode?: boolean;
  readonly compression?: Compression;
  readonly chunker?: ChunkerParams;
  /** Read workers (default: one per core). */
  readonly readers?: number;
  /** Pack target size in bytes (default 4 MiB). */
  readonly packSize?: number;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ProgressSink;
  readonly onWarning?: (message: string) => void;
  readonly clock?: Clock;
  readonly hostname?: string;
}

export interface BackupResult {
  readonly snapshotId: string;
  readonly snapshot: Snapshot;
}

/**
 * Backs up `source` into the repository: walks it depth-first in name order, chunks
 * changed files with FastCDC, stores chunks the repository lacks in packs, writes one tree
 * blob per directory and finally the snapshot root. Nothing names the new data until that
 * last write, so an interrupted run leaves no snapshot; its uploaded packs are reused by
 * the next run.
 */
export async function backup(options: BackupOptions): Promise<BackupResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const rootStat = await lstat(options.source, { bigint: true }).catch((cause: unknown) => {
    throw new FerryError("NotFound", `the backup source ${options.source} cannot be read`, { cause });
  });
  if (!rootStat.isDirectory())
    throw new FerryError("Invalid", `the backup source ${options.source} is not a directory`);
  const repo = await MoverRepository.open(options.store, { key: options.key, recover: true });
  const parent = options.parent === undefined ? undefined : await loadSnapshot(repo, options.parent);
  const session = new PackSession({
    repo,
    compression: options.compression ?? "off",
    ...(options.packSize === undefined ? {} : { packSize: options.packSize }),
    signal: options.signal,
  });
  const pool = new ReadPool({
    gearSeed: repositoryGearSeed(options.key),
    params: options.chunker ?? defaultChunkerParams,
    compression: options.compression ?? "off",
    key: options.key,
    ...(options.readers === undefined ? {} : { workers: options.readers }),
  });
  const run = new BackupRun(options, repo, session, clock, pool);
  const root = resolve(options.source); // the walk joins names to it by concatenation
  // Progress totals: the parent's size is a good estimate for an incremental run and costs
  // nothing; otherwise a scan (an lstat of every file) runs alongside, only if anyone listens.
  if (parent !== undefined) run.setTotals(parent.stats.files, parent.stats.bytesTotal);
  else if (options.onProgress !== undefined) void run.scanTotals(root);
  let tree: string;
  try {
    tree = await run.saveDir(root, "", parent?.tree);
    await session.flush();
  } catch (err) {
    await session.settle();
    throw err;
  } finally {
    await pool.close();
  }
  const stats: BackupStats = {
    ...run.stats,
    bytesUploaded: session.stats.bytesUploaded,
    chunksNew: session.stats.blobsNew,
    chunkBytesNew: session.stats.blobBytesNew,
    durationMs: 0,
  };
  stats.durationMs = clock.now().getTime() - started.getTime();
  const snapshot: Snapshot = {
    version: 1,
    time: clock.now().toISOString(),
    hostname: options.hostname ?? osHostname(),
    source: options.source,
    tree,
    root: rootMetaOf(rootStat),
    ...(parent === undefined ? {} : { parent: parent.id }),
    tags: { ...options.tags },
    stats,
  };
  if (options.signal?.aborted === true) throw new FerryError("Aborted", "the backup was aborted");
  const saved = await saveSnapshot(repo, snapshot);
  stats.bytesUploaded += saved.bytes;
  run.report(true);
  return { snapshotId: saved.id, snapshot };
}

function rootMetaOf(st: BigIntStats) {
  return {
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: String(st.mtimeNs),
  };
}
