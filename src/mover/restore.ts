import { link, lstat, mkdir, readdir, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { systemClock, type Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { ProgressSink } from "../core/progress.js";
import type { RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import { applyMeta, type Meta } from "./apply-meta.js";
import { MoverRepository } from "./repository.js";
import type { BlobLocation } from "./repo-index.js";
import { loadSnapshot } from "./snapshot.js";
import { recoverSwap, stagingPath, swapInto } from "./swap.js";
import { decodeTree, type FileNode, type TreeNode } from "./tree.js";
import { PackWriter, type FileMeta, type PackPlan } from "./restore-packs.js";
import type { ChunkTarget } from "./workers/restore-protocol.js";

/**
 * `swap`: build the copy next to `target` and rename it into place only when complete (the
 * previous copy stays intact until then). `mirror`: restore into `target` itself and delete
 * whatever the snapshot does not hold — for a mount point, which cannot be renamed.
 */
export type RestoreMode = "swap" | "mirror";

export interface RestoreOptions {
  readonly store: ObjectStore;
  readonly key?: RepositoryKey | undefined;
  /** Snapshot id, unique id prefix or `latest`. */
  readonly snapshot: string;
  readonly target: string;
  readonly mode?: RestoreMode;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ProgressSink;
  readonly clock?: Clock;
  /** Files, or four times as many chunks, per window of the tree (see WINDOW); small values are for tests. */
  readonly window?: number;
}

export interface RestoreResult {
  readonly snapshotId: string;
  readonly files: number;
  readonly dirs: number;
  readonly bytesTotal: number;
  /** Bytes written to files (holes excluded). */
  readonly bytesWritten: number;
  readonly packsRead: number;
  readonly durationMs: number;
}

/**
 * A restore works through the snapshot's tree in windows of this many files (or four times as
 * many chunks, 4 GiB of large files): it creates them, writes their chunks (each pack fetched
 * once per window) and sets their metadata, then forgets them. The next window is planned, and
 * its writes start, while one is still being written: at most two are in flight. Memory stays
 * bounded whatever the number of files (a plan of the whole tree took ~3 KB per file); since a
 * backup packs files in walk order, a pack is rarely needed by two windows.
 */
const WINDOW = 4096;
const WINDOWS_IN_FLIGHT = 2;

/**
 * Restores a snapshot, a window of files at a time (see WINDOW): creates them, fetches each
 * pack the window needs once and writes its chunks where they belong (every chunk verified
 * against its SHA-256; a mismatch is an Integrity error naming the file), skipping zero blocks
 * so sparse files stay sparse, then sets their owners, modes and times; directories' last,
 * deepest first.
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now().getTime();
  const repo = await MoverRepository.open(options.store, { key: options.key });
  const snapshot = await loadSnapshot(repo, options.snapshot);
  const mode = options.mode ?? "swap";
  let dest = options.target;
  if (mode === "swap") {
    await recoverSwap(options.target);
    dest = stagingPath(options.target);
  }
  await mkdir(dest, { recursive: true });
  const run = new RestoreRun(repo, options, clock, mode, dest);
  try {
    await run.materialize(snapshot.tree, dest, "");
    await run.completeWindow();
    await run.finish();
    await run.applyDirMetas(dest, snapshot.root);
    if (mode === "swap") await swapInto(dest, options.target);
  } catch (err) {
    await run.finish().catch(() => undefined); // nothing may still be writing into dest
    if (mode === "swap") await rm(dest, { recursive: true, force: true });
    throw err;
  } finally {
    await run.writer.close();
  }
  run.report(true);
  return {
    snapshotId: snapshot.id,
    files: run.files,
    dirs: run.dirs,
    bytesTotal: run.bytesTotal,
    bytesWritten: run.bytesWritten,
    packsRead: run.packsRead,
    durationMs: clock.now().getTime() - started,
  };
}

class RestoreRun {
  files = 0;
  dirs = 0;
  bytesTotal = 0;
  bytesWritten = 0;
  packsRead = 0;
  private bytesDone = 0;
  private lastReport = 0;
  /** This window's chunks: pack id → blob id → where the blob is and where its plaintext goes. */
  private plan: PackPlan = new Map();
  private planned = 0;
  /** Earlier windows' chunk writes and metadata, under way while this one is created. */
  private readonly inFlight: Promise<void>[] = [];
  /** Packs read for trees this window (dropped from the repository's pack cache when it closes). */
  private readonly treePacks = new Set<string>();
  private metas: FileMeta[] = [];
  private readonly dirMetas: { path: string; meta: Meta }[] = [];
  private readonly asRoot = process.getuid?.() === 0;
  /** Files of this window still to create (by the workers, in batches). */
  private creates: { path: string; size: number }[] = [];
  readonly writer: PackWriter;
  private readonly window: number;

  constructor(
    private readonly repo: MoverRepository,
    private readonly options: RestoreOptions,
    private readonly clock: Clock,
    private readonly mode: RestoreMode,
    private readonly dest: string,
  ) {
    this.window = Math.max(1, options.window ?? WINDOW);
    this.writer = new PackWriter({
      store: repo.store,
      key: repo.key,
      signal: options.signal,
      onPack: (done) => {
        this.packsRead += 1;
        this.bytesWritten += done.written;
        this.bytesDone += done.bytes;
        this.report(false);
      },
    });
  }

  /** Creates directories, symlinks, hard links and sized (sparse) files; plans chunk writes. */
  async materialize(treeId: string, dir: string, rel: string): Promise<void> {
    this.check();
    this.treePacks.add(this.repo.locate(treeId, `restoring /${rel}`).pack);
    const tree = decodeTree(await this.repo.readBlob(treeId, `restoring /${rel}`), treeId);
    if (this.mode === "mirror") await this.removeExtraneous(dir, tree.nodes);
    let previous: string | undefined;
    for (const node of tree.nodes) {
      const relPath = rel === "" ? node.name : `${rel}/${node.name}`;
      assertSafeNode(node, relPath);
      // Backup writes names sorted and unique; a repeated name (a symlink, then a directory
      // of the same name) could make restore write through the link.
      if (previous !== undefined && !(previous < node.name)) {
        throw new FerryError("Integrity", `restoring ${relPath}: the tree lists names out of order or twice`);
      }
      previous = node.name;
      const path = join(dir, node.name);
      if (this.mode === "mirror" && node.type === "file" && (await this.unchangedInPlace(path, node))) {
        this.files += 1;
        this.bytesTotal += node.size;
        this.bytesDone += node.size;
        this.metas.push({ path, meta: node, symlink: false });
        continue;
      }
      if (this.mode === "mirror" && node.type !== "dir") await rm(path, { recursive: true, force: true });
      switch (node.type) {
        case "dir":
          await mkdir(path, { recursive: true });
          this.dirs += 1;
          await this.materialize(node.subtree, path, relPath);
          this.dirMetas.push({ path, meta: node });
          break;
        case "symlink":
          await symlink(node.target, path);
          this.metas.push({ path, meta: node, symlink: true });
          break;
        case "hardlink":
          await this.flushCreates(); // the file it names may not be created yet
          await link(join(this.dest, ...node.link.split("/")), path);
          break;
        case "file": {
          this.creates.push({ path, size: node.size });
          this.files += 1;
          this.bytesTotal += node.size;
          let offset = 0;
          for (const item of node.content) {
            if (typeof item === "number") {
              offset += item;
              this.bytesDone += item;
              continue;
            }
            const at = this.repo.locate(item, `restoring ${relPath}`);
            this.planChunk(item, at, { path, rel: relPath, offset });
            offset += at.rawLength;
          }
          if (offset !== node.size) {
            throw new FerryError(
              "Integrity",
              `restoring ${relPath}: its chunks add up to ${offset} bytes, not ${node.size}`,
            );
          }
          this.metas.push({ path, meta: node, symlink: false });
          break;
        }
      }
      if (this.planned >= 4 * this.window || this.metas.length >= this.window) await this.completeWindow();
    }
  }

  /**
   * Closes the window of files created so far: their chunks are written (each planned pack
   * fetched once, written by a worker thread), then their owners, modes and times are set —
   * while the walk creates the next window (which waits once two are being written).
   */
  async completeWindow(): Promise<void> {
    await this.flushCreates();
    // Trees are read through the pack cache; their packs need not stay while data is written.
    for (const pack of this.treePacks) this.repo.forgetPack(pack);
    this.treePacks.clear();
    const plan = this.plan;
    const metas = this.metas;
    this.plan = new Map();
    this.metas = [];
    this.planned = 0;
    while (this.inFlight.length >= WINDOWS_IN_FLIGHT) await this.inFlight.shift();
    const window = (async () => {
      await this.writer.write(plan);
      await this.writer.applyMetas(metas, this.asRoot);
    })();
    window.catch(() => undefined); // awaited by a later window or by finish
    this.inFlight.push(window);
  }

  /** Waits for every window to be written. */
  async finish(): Promise<void> {
    const windows = this.inFlight.splice(0);
    const results = await Promise.allSettled(windows);
    const failed = results.find((r) => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }

  private async flushCreates(): Promise<void> {
    const creates = this.creates;
    this.creates = [];
    await this.writer.createFiles(creates, this.plan.size);
  }

  /** Directories' owners, modes and times, deepest first, once everything inside is written. */
  async applyDirMetas(root: string, rootMeta: Meta): Promise<void> {
    // Directories were pushed after their contents (post-order), so children come first.
    for (const d of this.dirMetas) await applyMeta(d.path, d.meta, { symlink: false, asRoot: this.asRoot });
    await applyMeta(root, rootMeta, { symlink: false, asRoot: this.asRoot });
  }

  report(force: boolean): void {
    const sink = this.options.onProgress;
    if (sink === undefined) return;
    const now = this.clock.now().getTime();
    if (!force && now - this.lastReport < 250) return;
    this.lastReport = now;
    sink({ task: "restore", done: this.packsRead, bytesDone: this.bytesDone, bytesTotal: this.bytesTotal });
  }

  private planChunk(blob: string, at: BlobLocation, target: ChunkTarget): void {
    let blobs = this.plan.get(at.pack);
    if (blobs === undefined) {
      blobs = new Map();
      this.plan.set(at.pack, blobs);
    }
    const planned = blobs.get(blob);
    if (planned === undefined) blobs.set(blob, { at, targets: [target] });
    else planned.targets.push(target);
    this.planned += 1;
  }

  /**
   * Mirror mode's quick check (rsync's): a regular file with the snapshot's size and mtime
   * (within the microseconds restore can set) and no other names is taken to hold that content
   * already and is not rewritten. Swap mode always writes everything.
   */
  private async unchangedInPlace(path: string, node: FileNode): Promise<boolean> {
    try {
      const st = await lstat(path, { bigint: true });
      return (
        st.isFile() &&
        st.nlink === 1n &&
        st.size === BigInt(node.size) &&
        // utimes takes a double of seconds: the time it set can be off by a microsecond.
        abs(st.mtimeNs / 1000n - BigInt(node.mtime) / 1000n) <= 2n
      );
    } catch {
      return false;
    }
  }

  private async removeExtraneous(dir: string, nodes: readonly TreeNode[]): Promise<void> {
    const wanted = new Map(nodes.map((n) => [n.name, n]));
    for (const name of await readdir(dir)) {
      const node = wanted.get(name);
      if (node === undefined) {
        await rm(join(dir, name), { recursive: true, force: true });
      } else if (node.type === "dir") {
        const st = await lstat(join(dir, name));
        if (!st.isDirectory()) await rm(join(dir, name), { force: true });
      }
    }
  }

  private check(): void {
    if (this.options.signal?.aborted === true) throw new FerryError("Aborted", "the restore was aborted");
  }
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/**
 * A tree from the repository must not write outside the target: names are single path
 * segments and hard-link paths stay inside the snapshot. (Blob ids are verified, but an
 * unencrypted repository can be written by anyone who can write the store.)
 */
function assertSafeNode(node: TreeNode, relPath: string): void {
  const badSegment = (s: string): boolean =>
    s === "" || s === "." || s === ".." || s.includes("/") || s.includes("\0");
  const unsafe =
    typeof node.name !== "string" ||
    badSegment(node.name) ||
    (node.type === "hardlink" && (typeof node.link !== "string" || node.link.split("/").some(badSegment)));
  if (unsafe) {
    throw new FerryError("Integrity", `restoring ${relPath}: the snapshot names a path outside the target`, {
      data: { name: String(node.name) },
    });
  }
}
