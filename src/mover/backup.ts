import { hostname as osHostname } from "node:os";
import * as fs from "node:fs";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { BigIntStats } from "node:fs";
import pLimit from "p-limit";
import { systemClock, type Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { ProgressSink } from "../core/progress.js";
import { sha256Hex, type RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import type { Compression } from "./blob-codec.js";
import type { ChunkerParams, Cutter } from "./chunker.js";
import { forEachChunk } from "./file-chunks.js";
import { BlobType } from "./pack.js";
import { PackSession } from "./pack-session.js";
import { repositoryCutter } from "./repo-cutter.js";
import { MoverRepository } from "./repository.js";
import { loadSnapshot, saveSnapshot, type BackupStats, type Snapshot } from "./snapshot.js";
import { decodeTree, encodeTree, type ContentItem, type FileNode, type TreeNode } from "./tree.js";
import { isAllZero } from "./zero.js";

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
  /** Pack target size in bytes (default 16 MiB). */
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

const FILES_IN_FLIGHT = 16;
const LARGE_FILES_IN_FLIGHT = 2;
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
  const run = new BackupRun(options, repo, session, clock, repositoryCutter(options.key, options.chunker));
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
  private readonly inodes = new Map<string, string>();

  constructor(
    private readonly options: BackupOptions,
    private readonly repo: MoverRepository,
    private readonly session: PackSession,
    private readonly clock: Clock,
    private readonly cutter: Cutter,
  ) {}

  setTotals(files: number, bytes: number): void {
    this.filesTotal = files;
    this.bytesGrandTotal = bytes;
  }

  /** Counts files and bytes alongside the backup, so progress has totals early. */
  async scanTotals(root: string): Promise<void> {
    let files = 0;
    let bytes = 0;
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      for (const e of entries) {
        if (e.isDirectory()) await walk(join(dir, e.name));
        else if (e.isFile()) {
          files += 1;
          bytes += (await lstat(join(dir, e.name))).size;
        }
      }
    };
    try {
      await walk(root);
      this.filesTotal = files;
      this.bytesGrandTotal = bytes;
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
    const names = (await readdir(dir)).sort();
    const files = pLimit(FILES_IN_FLIGHT);
    const nodes: Promise<TreeNode>[] = [];
    const entryStats = await Promise.all(
      names.map((name) => files(() => lstat(join(dir, name), { bigint: true }).catch(vanished))),
    );
    for (const [i, name] of names.entries()) {
      const path = join(dir, name);
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const st = entryStats[i];
      if (st === undefined) {
        this.options.onWarning?.(`skipping ${relPath}: it was removed during the backup`);
        continue;
      }
      const base = baseOf(name, st);
      if (st.isDirectory()) {
        const before = parentNodes.get(name);
        const subtree = await this.saveDir(
          path,
          relPath,
          before?.type === "dir" ? before.subtree : undefined,
        );
        this.stats.dirs += 1;
        nodes.push(Promise.resolve({ ...base, type: "dir", subtree }));
      } else if (st.isSymbolicLink()) {
        nodes.push(Promise.resolve({ ...base, type: "symlink", target: await readlink(path) }));
      } else if (st.isFile()) {
        if (st.nlink > 1n) {
          const inode = `${st.dev}:${st.ino}`;
          const first = this.inodes.get(inode);
          if (first !== undefined) {
            nodes.push(Promise.resolve({ ...base, type: "hardlink", link: first }));
            continue;
          }
          this.inodes.set(inode, relPath);
        }
        this.stats.files += 1;
        this.stats.bytesTotal += Number(st.size);
        const node = files(() => this.fileNode(path, st, base, parentNodes.get(name)));
        node.catch(() => undefined); // awaited below; don't let an early failure go unhandled
        nodes.push(node);
      } else {
        this.options.onWarning?.(`skipping ${relPath}: not a regular file, directory or symlink`);
      }
    }
    const resolved = await Promise.all(nodes);
    const bytes = encodeTree({ nodes: resolved });
    const id = sha256Hex(bytes);
    await this.session.add(BlobType.Tree, id, bytes);
    return id;
  }

  private async fileNode(
    path: string,
    st: BigIntStats,
    base: ReturnType<typeof baseOf>,
    before: TreeNode | undefined,
  ): Promise<FileNode> {
    const identity = { size: Number(st.size), inode: String(st.ino), ctime: String(st.ctimeNs) };
    if (
      before?.type === "file" &&
      before.size === identity.size &&
      before.mtime === base.mtime &&
      (this.options.ignoreInode === true ||
        (before.ctime === identity.ctime && before.inode === identity.inode)) &&
      before.content.every((c) => typeof c === "number" || this.session.has(c))
    ) {
      this.stats.filesUnmodified += 1;
      this.advance(identity.size);
      return { ...base, type: "file", ...identity, content: before.content };
    }
    if (before === undefined) this.stats.filesNew += 1;
    else this.stats.filesChanged += 1;
    const { content, size } =
      identity.size <= this.cutter.params.minSize
        ? await this.smallFile(path, identity.size)
        : await this.largeFile(path);
    return { ...base, type: "file", ...identity, size, content };
  }

  private async smallFile(path: string, size: number): Promise<{ content: ContentItem[]; size: number }> {
    this.check();
    const data = await readSmallFile(path, size);
    this.stats.bytesRead += data.byteLength;
    const content = data.byteLength === 0 ? [] : [await this.storeChunk(data)];
    this.advance(data.byteLength);
    return { content, size: data.byteLength };
  }

  private largeFile(path: string): Promise<{ content: ContentItem[]; size: number }> {
    return this.largeFiles(async () => {
      const content: ContentItem[] = [];
      const size = await forEachChunk(path, this.cutter, async (chunk) => {
        this.check();
        const length = typeof chunk === "number" ? chunk : chunk.byteLength;
        this.stats.bytesRead += length;
        // storeChunk copies the chunk into a pack before it resolves: the reader may then reuse it.
        content.push(typeof chunk === "number" ? chunk : await this.storeChunk(chunk));
        this.advance(length);
      });
      return { content, size };
    });
  }

  /** Hashes a chunk and stores it unless known; a chunk of zeros becomes a hole. */
  private async storeChunk(data: Uint8Array): Promise<ContentItem> {
    if (isAllZero(data)) return data.byteLength;
    const id = sha256Hex(data);
    await this.session.add(BlobType.Data, id, data);
    return id;
  }

  private advance(bytes: number): void {
    this.bytesDone += bytes;
    this.report(false);
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

/**
 * Reads a file expected to hold `size` bytes: open, one read, close, with the callback API
 * (a FileHandle costs noticeably more per file when there are 100,000 of them). Falls back
 * to reading the whole file when it grew since lstat.
 */
function readSmallFile(path: string, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    fs.open(path, "r", (openErr, fd) => {
      if (openErr !== null) return reject(openErr);
      const buf = Buffer.allocUnsafe(size + 1);
      fs.read(fd, buf, 0, size + 1, 0, (readErr, bytesRead) => {
        fs.close(fd, (closeErr) => {
          if (readErr !== null) return reject(readErr);
          if (closeErr !== null) return reject(closeErr);
          if (bytesRead <= size) return resolve(buf.subarray(0, bytesRead));
          readFile(path).then(resolve, reject);
        });
      });
    });
  });
}

/** An entry deleted between readdir and lstat is skipped (a live volume changes); other errors stand. */
function vanished(err: unknown): undefined {
  if (typeof err === "object" && err !== null && "code" in err && err.code === "ENOENT") return undefined;
  throw err;
}

function baseOf(name: string, st: BigIntStats) {
  return { name, ...rootMetaOf(st) };
}

function rootMetaOf(st: BigIntStats) {
  return {
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: String(st.mtimeNs),
  };
}
