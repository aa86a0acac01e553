import { hostname as osHostname } from "node:os";
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import type { BigIntStats } from "node:fs";
import pLimit from "p-limit";
import { systemClock, type Clock } from "../core/clock.js";
import { FerryError, isFerryError } from "../core/errors.js";
import type { ProgressSink } from "../core/progress.js";
import { sha256Hex, type RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import type { Compression } from "./blob-codec.js";
import { defaultChunkerParams, type ChunkerParams } from "./chunker.js";
import { BlobType } from "./pack.js";
import { PackSession } from "./pack-session.js";
import { repositoryGearSeed } from "./repo-cutter.js";
import { MoverRepository } from "./repository.js";
import { loadSnapshot, saveSnapshot, type BackupStats, type Snapshot } from "./snapshot.js";
import { decodeTree, encodeTree, type ContentItem, type FileNode, type TreeNode } from "./tree.js";
import { identityKey, type DirEntry, type DirRead } from "./workers/read-protocol.js";
import { ReadPool, type DirListing, type FilePiece, type SmallFile } from "./workers/read-pool.js";

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

const LARGE_FILES_IN_FLIGHT = 2;
/** Files up to this size are read whole, many to a worker job. */
const SMALL_FILE = 1024 * 1024;
/** A small-file job holds at most this many files or bytes. */
const SMALL_BATCH_FILES = 512;
const SMALL_BATCH_BYTES = 2 * 1024 * 1024;
const SMALL_BATCHES_IN_FLIGHT = 4;
const PROGRESS_EVERY_MS = 250;

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
  // Progress totals: the parent's size is a good estimate for an incremental run and costs
  // nothing; otherwise a scan (an lstat of every file) runs alongside, only if anyone listens.
  if (parent !== undefined) run.setTotals(parent.stats.files, parent.stats.bytesTotal);
  else if (options.onProgress !== undefined) void run.scanTotals(options.source);
  let tree: string;
  try {
    tree = await run.saveDir(options.source, "", parent?.tree);
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

class BackupRun {
  readonly stats = {
    files: 0,
    dirs: 0,
    filesNew: 0,
    filesChanged: 0,
    filesUnmodified: 0,
    bytesTotal: 0,
    bytesRead: 0,
  };
  private filesTotal: number | undefined;
  private bytesGrandTotal: number | undefined;
  private bytesDone = 0;
  private lastReport = 0;
  private readonly largeFiles = pLimit(LARGE_FILES_IN_FLIGHT);
  private readonly smallBatches = pLimit(SMALL_BATCHES_IN_FLIGHT);
  private readonly prefetched = new Map<string, Promise<DirListing>>();
  private advances = 0;
  private readonly inodes = new Map<string, string>();

  constructor(
    private readonly options: BackupOptions,
    private readonly repo: MoverRepository,
    private readonly session: PackSession,
    private readonly clock: Clock,
    private readonly pool: ReadPool,
  ) {}

  setTotals(files: number, bytes: number): void {
    this.filesTotal = files;
    this.bytesGrandTotal = bytes;
  }

  /** Counts files and bytes alongside the backup (on a read worker), so progress has totals early. */
  async scanTotals(root: string): Promise<void> {
    try {
      const totals = await this.pool.scan(root);
      this.filesTotal = totals.files;
      this.bytesGrandTotal = totals.bytes;
    } catch {
      // Totals are only for progress; the backup itself reports unreadable entries.
    }
  }

  /** Backs up a directory and returns the id of its tree blob. */
  async saveDir(dir: string, rel: string, parentTreeId: string | undefined): Promise<string> {
    this.check();
    const parentNodes = new Map<string, TreeNode>();
    if (parentTreeId !== undefined) {
      const tree = decodeTree(await this.repo.readBlob(parentTreeId, `parent tree of /${rel}`), parentTreeId);
      for (const node of tree.nodes) parentNodes.set(node.name, node);
    }
    const listing = await (this.prefetched.get(dir) ?? this.pool.listDir(dir, this.dirRead(parentNodes)));
    this.prefetched.delete(dir);
    const subdirs = listing.entries.filter((e) => e.type === "dir").map((e) => e.name);
    // Keep a worker busy while this directory is stored: list (and read) the next one ahead.
    if (subdirs[0] !== undefined) this.prefetch(join(dir, subdirs[0]), parentNodes.get(subdirs[0]));
    for (const name of listing.vanished) {
      this.options.onWarning?.(
        `skipping ${rel === "" ? name : `${rel}/${name}`}: it was removed during the backup`,
      );
    }
    const nodes: Slot[] = [];
    const small: SmallRead[] = [];
    // Files first, so the small files the worker read with the listing are stored (and its
    // buffer handed back) before the walk descends. Directories, and files with several names,
    // then in name order: a hard link's first name must be the first one restore creates.
    const inOrder = (e: DirEntry): boolean => e.type === "dir" || (e.type === "file" && e.nlink > 1);
    try {
      for (const [i, entry] of listing.entries.entries()) {
        const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`;
        if (inOrder(entry)) nodes.push(undefined);
        else if (entry.type === "symlink")
          nodes.push({ ...baseOf(entry), type: "symlink", target: entry.target ?? "" });
        else if (entry.type === "file") {
          const read = { index: i, path: join(dir, entry.name), relPath, entry };
          nodes.push(this.fileSlot(read, parentNodes.get(entry.name), listing.contents[i] ?? null, small));
          if (this.session.congested) await this.session.drain();
        } else {
          nodes.push(undefined);
          this.options.onWarning?.(`skipping ${relPath}: not a regular file, directory or symlink`);
        }
      }
    } finally {
      listing.release();
    }
    for (const [i, entry] of listing.entries.entries()) {
      if (!inOrder(entry)) continue;
      const before = parentNodes.get(entry.name);
      const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const path = join(dir, entry.name);
      if (entry.type === "file") {
        nodes[i] = this.fileSlot({ index: i, path, relPath, entry }, before, null, small);
        continue;
      }
      const next = subdirs[subdirs.indexOf(entry.name) + 1];
      if (next !== undefined) this.prefetch(join(dir, next), parentNodes.get(next));
      const subtree = await this.saveDir(path, relPath, before?.type === "dir" ? before.subtree : undefined);
      this.stats.dirs += 1;
      nodes[i] = { ...baseOf(entry), type: "dir", subtree };
    }
    await this.readSmallFiles(small, nodes);
    const resolved = (await Promise.all(nodes.map(async (n) => n))).filter((n) => n !== undefined);
    const bytes = encodeTree({ nodes: resolved });
    const id = sha256Hex(bytes);
    await this.session.add(BlobType.Tree, id, bytes);
    return id;
  }

  /** Starts listing (and reading) a directory the walk will come to soon. */
  private prefetch(path: string, before: TreeNode | undefined): void {
    if (this.prefetched.has(path)) return;
    const listing = (async () => {
      const parentNodes = new Map<string, TreeNode>();
      if (before?.type === "dir") {
        const tree = decodeTree(
          await this.repo.readBlob(before.subtree, `parent tree of ${path}`),
          before.subtree,
        );
        for (const node of tree.nodes) parentNodes.set(node.name, node);
      }
      return this.pool.listDir(path, this.dirRead(parentNodes));
    })();
    listing.catch(() => undefined); // awaited when the walk gets there
    this.prefetched.set(path, listing);
  }

  /** What the worker may read with a listing: small files whose metadata changed. */
  private dirRead(parentNodes: ReadonlyMap<string, TreeNode>): DirRead {
    const ignoreInode = this.options.ignoreInode === true;
    const hints: Record<string, string> = {};
    for (const node of parentNodes.values()) {
      if (node.type === "file")
        hints[node.name] = identityKey(
          { ...node, mtimeNs: node.mtime, ino: node.inode, ctimeNs: node.ctime },
          ignoreInode,
        );
    }
    return { hints, ignoreInode, limit: SMALL_FILE, budget: SMALL_BATCH_BYTES };
  }

  /**
   * A regular file's place in its tree: a hard link to a file seen before, the parent's node
   * when unchanged, the file stored from what the worker read with the listing, a large file
   * being read, or (queued in `small`) a small file still to read.
   */
  private fileSlot(
    file: SmallRead,
    before: TreeNode | undefined,
    read: SmallFile | null,
    small: SmallRead[],
  ): Slot {
    const { entry } = file;
    if (entry.nlink > 1) {
      const inode = `${entry.dev}:${entry.ino}`;
      const first = this.inodes.get(inode);
      if (first !== undefined) return { ...baseOf(entry), type: "hardlink", link: first };
      this.inodes.set(inode, file.relPath);
    }
    this.stats.files += 1;
    this.stats.bytesTotal += entry.size;
    if (this.unchanged(before, entry)) {
      this.stats.filesUnmodified += 1;
      this.advance(entry.size);
      return fileNodeOf(entry, entry.size, before.content);
    }
    if (before === undefined) this.stats.filesNew += 1;
    else this.stats.filesChanged += 1;
    if (read !== null) return this.storeSmall(file, read);
    if (entry.size <= SMALL_FILE) {
      small.push(file);
      return undefined; // set once its batch is read
    }
    const node = this.largeFile(file.path, file.relPath).then((r) =>
      r === undefined ? undefined : fileNodeOf(entry, r.size, r.content),
    );
    node.catch(() => undefined); // awaited with the others; don't let an early failure go unhandled
    return node;
  }

  /** Whether a file is the parent snapshot's, by metadata, and all its chunks are still stored. */
  private unchanged(before: TreeNode | undefined, entry: DirEntry): before is FileNode {
    return (
      before?.type === "file" &&
      before.size === entry.size &&
      before.mtime === entry.mtimeNs &&
      (this.options.ignoreInode === true || (before.ctime === entry.ctimeNs && before.inode === entry.ino)) &&
      before.content.every((c) => typeof c === "number" || this.session.has(c))
    );
  }

  /** Reads small files in batches on the workers and stores their chunks, in name order. */
  private async readSmallFiles(files: readonly SmallRead[], nodes: Slot[]): Promise<void> {
    const batches: SmallRead[][] = [];
    let batch: SmallRead[] = [];
    let bytes = 0;
    for (const file of files) {
      if (batch.length >= SMALL_BATCH_FILES || bytes + file.entry.size > SMALL_BATCH_BYTES) {
        batches.push(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(file);
      bytes += file.entry.size;
    }
    if (batch.length > 0) batches.push(batch);
    // A batch's slot is held until its files are stored, which bounds the buffers in flight.
    await Promise.all(
      batches.map((batch) =>
        this.smallBatches(async () => {
          const read = await this.pool.readSmall(batch.map((f) => ({ path: f.path, size: f.entry.size })));
          try {
            for (const [i, file] of batch.entries()) {
              nodes[file.index] = this.storeSmall(file, read.files[i]!);
              if (this.session.congested) await this.session.drain();
            }
          } finally {
            read.release();
          }
        }),
      ),
    );
  }

  /**
   * Stores a small file's chunks, which its worker encoded, without waiting: callers wait for
   * the pack session's back-pressure (`drain`) between files.
   */
  private storeSmall(file: SmallRead, result: SmallFile): FileNode | undefined {
    if ("error" in result) {
      if (this.vanished(file.relPath, result.error)) return undefined;
      throw readError(file.relPath, result.error);
    }
    this.check();
    const content: ContentItem[] = [];
    for (const piece of result.pieces) {
      if (typeof piece === "number") {
        this.advance(piece);
        content.push(piece);
      } else if ("encoded" in piece) {
        this.session.putEncoded(BlobType.Data, piece.id, piece.rawLength, piece.encoded);
        this.advance(piece.rawLength);
        content.push(piece.id);
      } else {
        throw new FerryError("Internal", `a read worker sent ${file.relPath} unencoded`);
      }
    }
    this.stats.bytesRead += result.size;
    return fileNodeOf(file.entry, result.size, content);
  }

  /** Reads a large file through a worker, chunk by chunk; undefined when it vanished. */
  private largeFile(
    path: string,
    relPath: string,
  ): Promise<{ content: ContentItem[]; size: number } | undefined> {
    return this.largeFiles(async () => {
      const content: ContentItem[] = [];
      let size: number;
      try {
        size = await this.pool.chunkFile(path, async (piece) => {
          this.check();
          // storePiece copies the chunk into a pack before it resolves: the batch may then go.
          content.push(await this.storePiece(piece));
        });
      } catch (err) {
        if (isFerryError(err) || !(err instanceof Error)) throw err;
        if (content.length === 0 && this.vanished(relPath, err)) return undefined;
        throw readError(relPath, err);
      }
      this.stats.bytesRead += size;
      return { content, size };
    });
  }

  /** A file deleted since it was listed is skipped with a warning (a live volume changes). */
  private vanished(relPath: string, err: Error): boolean {
    if ((err as { code?: unknown }).code !== "ENOENT") return false;
    this.stats.files -= 1;
    this.options.onWarning?.(`skipping ${relPath}: it was removed during the backup`);
    return true;
  }

  /** Stores a chunk unless known; a hole stays a number. */
  private async storePiece(piece: FilePiece): Promise<ContentItem> {
    if (typeof piece === "number") {
      this.advance(piece);
      return piece;
    }
    if ("data" in piece) {
      await this.session.add(BlobType.Data, piece.id, piece.data);
      this.advance(piece.data.byteLength);
    } else {
      await this.session.addEncoded(BlobType.Data, piece.id, piece.rawLength, piece.encoded);
      this.advance(piece.rawLength);
    }
    return piece.id;
  }

  private advance(bytes: number): void {
    this.bytesDone += bytes;
    // Reading the clock for each of 100,000 small files shows in a profile: every 64th will do.
    if ((this.advances++ & 63) === 0) this.report(false);
  }

  /** Emits a progress event, at most every 250 ms unless forced. */
  report(force: boolean): void {
    const sink = this.options.onProgress;
    if (sink === undefined) return;
    const now = this.clock.now().getTime();
    if (!force && now - this.lastReport < PROGRESS_EVERY_MS) return;
    this.lastReport = now;
    sink({
      task: "backup",
      done: this.stats.files,
      ...(this.filesTotal === undefined ? {} : { total: this.filesTotal }),
      bytesDone: this.bytesDone,
      ...(this.bytesGrandTotal === undefined ? {} : { bytesTotal: this.bytesGrandTotal }),
    });
  }

  private check(): void {
    if (this.options.signal?.aborted === true) throw new FerryError("Aborted", "the backup was aborted");
  }
}

/** A directory entry's place in its tree: a node, one being read, or none (it vanished). */
type Slot = TreeNode | Promise<TreeNode | undefined> | undefined;

interface SmallRead {
  readonly index: number;
  readonly path: string;
  readonly relPath: string;
  readonly entry: DirEntry;
}

function readError(relPath: string, cause: Error): FerryError {
  return new FerryError("IO", `cannot read ${relPath}: ${cause.message}`, { cause });
}

/** A file's tree node (keys in the order every tree has them: trees of unchanged directories repeat byte for byte). */
function fileNodeOf(entry: DirEntry, size: number, content: readonly ContentItem[]): FileNode {
  return {
    name: entry.name,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    mtime: entry.mtimeNs,
    type: "file",
    size,
    inode: entry.ino,
    ctime: entry.ctimeNs,
    content,
  };
}

function baseOf(entry: DirEntry) {
  return { name: entry.name, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtimeNs };
}

function rootMetaOf(st: BigIntStats) {
  return {
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: String(st.mtimeNs),
  };
}
