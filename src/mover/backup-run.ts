import pLimit from "p-limit";
import type { Clock } from "../core/clock.js";
import { FerryError, isFerryError } from "../core/errors.js";
import { sha256Hex } from "../repository/crypto.js";
import type { BackupOptions } from "./backup.js";
import { childPath } from "./child-path.js";
import { BlobType } from "./pack.js";
import type { PackSession } from "./pack-session.js";
import type { MoverRepository } from "./repository.js";
import { decodeTree, encodeTree, type ContentItem, type FileNode, type TreeNode } from "./tree.js";
import { identityOf, type DirEntry, type DirRead } from "./workers/read-protocol.js";
import type { DirListing, FilePiece, ReadPool } from "./workers/read-pool.js";
import type { FileBatch } from "./workers/wire-decode.js";

const LARGE_FILES_IN_FLIGHT = 2;
/** Files up to this size are read whole, many to a worker job. */
const SMALL_FILE = 1024 * 1024;
/** A small-file job holds at most this many files or bytes. */
const SMALL_BATCH_FILES = 512;
const SMALL_BATCH_BYTES = 2 * 1024 * 1024;
const SMALL_BATCHES_IN_FLIGHT = 4;
const PROGRESS_EVERY_MS = 250;

/**
 * One backup's walk of the source (see `backup`): directories depth-first in name order,
 * listed (and their small changed files read) by the read workers, one listing ahead; each
 * file's chunks stored in the pack session unless known; one tree blob per directory.
 */
export class BackupRun {
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
    if (subdirs[0] !== undefined) this.prefetch(childPath(dir, subdirs[0]), parentNodes.get(subdirs[0]));
    for (const name of listing.vanished) {
      this.options.onWarning?.(`skipping ${relOf(rel, name)}: it was removed during the backup`);
    }
    const nodes: Slot[] = [];
    const small: SmallRead[] = [];
    const { entries, read, fileOf } = listing;
    // Files first, so the small files the worker read with the listing are stored (and its
    // buffer handed back) before the walk descends. Directories, and files with several names,
    // then in name order: a hard link's first name must be the first one restore creates.
    const inOrder = (e: DirEntry): boolean => e.type === "dir" || (e.type === "file" && e.nlink > 1);
    try {
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        if (inOrder(entry)) nodes.push(undefined);
        else if (entry.type === "symlink")
          nodes.push({ ...baseOf(entry), type: "symlink", target: entry.target ?? "" });
        else if (entry.type === "file") {
          const k = fileOf[i]!;
          const file: SmallRead = { index: i, dir, rel, entry };
          nodes.push(this.fileSlot(file, parentNodes.get(entry.name), k < 0 ? undefined : read, k, small));
          if (this.session.congested) await this.session.drain();
        } else {
          nodes.push(undefined);
          this.options.onWarning?.(
            `skipping ${relOf(rel, entry.name)}: not a regular file, directory or symlink`,
          );
        }
      }
    } finally {
      listing.release();
    }
    let subdir = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (!inOrder(entry)) continue;
      const before = parentNodes.get(entry.name);
      if (entry.type === "file") {
        nodes[i] = this.fileSlot({ index: i, dir, rel, entry }, before, undefined, -1, small);
        continue;
      }
      subdir += 1; // entries and subdirs are both in name order
      const next = subdirs[subdir];
      if (next !== undefined) this.prefetch(childPath(dir, next), parentNodes.get(next));
      const subtree = await this.saveDir(
        childPath(dir, entry.name),
        relOf(rel, entry.name),
        before?.type === "dir" ? before.subtree : undefined,
      );
      this.stats.dirs += 1;
      nodes[i] = { ...baseOf(entry), type: "dir", subtree };
    }
    await this.readSmallFiles(small, nodes);
    const resolved: TreeNode[] = [];
    for (const slot of nodes) {
      const node = slot instanceof Promise ? await slot : slot;
      if (node !== undefined) resolved.push(node);
    }
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
        hints[node.name] = identityOf(node.size, node.mtime, node.inode, node.ctime, ignoreInode);
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
    read: FileBatch | undefined,
    k: number,
    small: SmallRead[],
  ): Slot {
    const { entry } = file;
    if (entry.nlink > 1) {
      const inode = `${entry.dev}:${entry.ino}`;
      const first = this.inodes.get(inode);
      if (first !== undefined) return { ...baseOf(entry), type: "hardlink", link: first };
      this.inodes.set(inode, relOf(file.rel, entry.name));
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
    if (read !== undefined) return this.storeSmall(file, read, k);
    if (entry.size <= SMALL_FILE) {
      small.push(file);
      return undefined; // set once its batch is read
    }
    const node = this.largeFile(childPath(file.dir, entry.name), relOf(file.rel, entry.name)).then((r) =>
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
          const { read, release } = await this.pool.readSmall(
            batch.map((f) => ({ path: childPath(f.dir, f.entry.name), size: f.entry.size })),
          );
          try {
            for (let k = 0; k < batch.length; k++) {
              const file = batch[k]!;
              nodes[file.index] = this.storeSmall(file, read, k);
              if (this.session.congested) await this.session.drain();
            }
          } finally {
            release();
          }
        }),
      ),
    );
  }

  /**
   * Stores a small file's chunks, which its worker encoded, without waiting: callers wait for
   * the pack session's back-pressure (`drain`) between files.
   */
  private storeSmall(file: SmallRead, read: FileBatch, k: number): FileNode | undefined {
    const error = read.error(k);
    if (error !== undefined) {
      const relPath = relOf(file.rel, file.entry.name);
      if (this.vanished(relPath, error)) return undefined;
      throw readError(relPath, error);
    }
    this.check();
    const content: ContentItem[] = [];
    let n = read.firstId(k);
    for (let p = read.firstPiece(k), end = p + read.pieceCount(k); p < end; p++) {
      if (read.isHole(p)) {
        const hole = read.length(p);
        this.advance(hole);
        content.push(hole);
        continue;
      }
      const id = read.id(n++);
      const rawLength = read.rawLength(p);
      this.session.putStored(
        BlobType.Data,
        id,
        rawLength,
        read.compression(p),
        read.bytes,
        read.offset(p),
        read.length(p),
      );
      this.advance(rawLength);
      content.push(id);
    }
    const size = read.size(k);
    this.stats.bytesRead += size;
    return fileNodeOf(file.entry, size, content);
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
    await this.session.add(BlobType.Data, piece.id, piece.data);
    this.advance(piece.data.byteLength);
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

/** A regular file of the directory being stored: its position, directory (path and relative) and entry. */
interface SmallRead {
  readonly index: number;
  readonly dir: string;
  readonly rel: string;
  readonly entry: DirEntry;
}

/** A snapshot-relative path (made only when needed: for errors, warnings and hard links). */
function relOf(rel: string, name: string): string {
  return rel === "" ? name : `${rel}/${name}`;
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
