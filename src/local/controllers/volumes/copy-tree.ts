import { constants } from "node:fs";
import {
  copyFile,
  lstat,
  link,
  lutimes,
  mkdir,
  open,
  readdir,
  readlink,
  chmod,
  symlink,
  utimes,
} from "node:fs/promises";
import { join } from "node:path";
import pLimit, { type LimitFunction } from "p-limit";

const CHUNK = 1 << 20;
/** The granularity of holes: a file system block. */
const BLOCK = 4096;
const ZEROS = Buffer.alloc(BLOCK);
/** Files copied at once: small files are bound by system calls, which overlap well. */
const FILES_IN_FLIGHT = 16;

interface CopyState {
  readonly stats: CopyStats;
  /** First copy of each multiply-linked inode (`dev:ino`), resolved once it exists. */
  readonly inodes: Map<string, Promise<string>>;
  readonly limit: LimitFunction;
}

export interface CopyStats {
  files: number;
  bytes: number;
  hardLinks: number;
  symlinks: number;
  sparseFiles: number;
}

/**
 * Copies a directory tree as a volume snapshot should: modes, modification times, symlinks
 * (verbatim), hard links (files sharing an inode stay linked), and sparse files (runs of
 * zero blocks become holes). Ownership is kept only when the process may chown (not done
 * here: local clusters run unprivileged). `fs.cp` covers none of hard links or holes.
 */
export async function copyTree(source: string, target: string): Promise<CopyStats> {
  const state: CopyState = {
    stats: { files: 0, bytes: 0, hardLinks: 0, symlinks: 0, sparseFiles: 0 },
    inodes: new Map(),
    limit: pLimit(FILES_IN_FLIGHT),
  };
  await copyDir(source, target, state);
  return state.stats;
}

async function copyDir(source: string, target: string, state: CopyState): Promise<void> {
  const info = await lstat(source);
  await mkdir(target, { recursive: true });
  const entries = await readdir(source, { withFileTypes: true });
  const subdirs: string[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (entry.isDirectory()) {
        subdirs.push(entry.name);
        return;
      }
      await state.limit(() =>
        vanishedIsFine(copyEntry(entry, join(source, entry.name), join(target, entry.name), state)),
      );
    }),
  );
  // Directories one after another: the file limit bounds the work, recursion does not.
  for (const name of subdirs) await vanishedIsFine(copyDir(join(source, name), join(target, name), state));
  await chmod(target, info.mode & 0o7777);
  await utimes(target, info.atime, info.mtime);
}

/** A writer outside the cluster's control removed it while we copied: it is not in this instant. */
async function vanishedIsFine(task: Promise<void>): Promise<void> {
  try {
    await task;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

async function copyEntry(
  entry: { isSymbolicLink(): boolean; isFile(): boolean },
  from: string,
  to: string,
  state: CopyState,
): Promise<void> {
  if (entry.isSymbolicLink()) {
    await symlink(await readlink(from), to);
    const s = await lstat(from);
    await lutimes(to, s.atime, s.mtime).catch(() => undefined);
    state.stats.symlinks += 1;
  } else if (entry.isFile()) {
    await copyFileEntry(from, to, state);
  }
  // Sockets, FIFOs and devices are not volume data a mover could read; they are skipped.
}

async function copyFileEntry(from: string, to: string, state: CopyState): Promise<void> {
  const { stats, inodes } = state;
  const info = await lstat(from);
  const inode = `${info.dev}:${info.ino}`;
  const first = info.nlink > 1 ? inodes.get(inode) : undefined;
  if (first !== undefined) {
    await link(await first, to);
    stats.hardLinks += 1;
    return;
  }
  let copied: (path: string) => void = () => undefined;
  let failed: (err: unknown) => void = () => undefined;
  if (info.nlink > 1) {
    const done = new Promise<string>((resolve, reject) => {
      copied = resolve;
      failed = reject;
    });
    done.catch(() => undefined);
    inodes.set(inode, done);
  }
  try {
    const sparse = info.blocks * 512 < info.size;
    if (sparse) {
      await copySparse(from, to, info.size);
      stats.sparseFiles += 1;
    } else {
      // A reflink where the file system has them, a plain copy elsewhere; libuv's copyfile
      // already gives the copy the source's mode.
      await copyFile(from, to, constants.COPYFILE_FICLONE);
    }
    if (sparse) await chmod(to, info.mode & 0o7777);
    await utimes(to, info.atime, info.mtime);
    copied(to);
  } catch (err) {
    failed(err);
    throw err;
  }
  stats.files += 1;
  stats.bytes += info.size;
}

/** Copies data blocks and leaves all-zero blocks as holes, then sets the length. */
async function copySparse(from: string, to: string, size: number): Promise<void> {
  const input = await open(from, "r");
  const output = await open(to, "w");
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (let position = 0; position < size; position += CHUNK) {
      const { bytesRead } = await input.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      // Runs of non-zero blocks are written; zero blocks are skipped and stay holes.
      let run = -1;
      for (let offset = 0; offset < bytesRead; offset += BLOCK) {
        const data = !isZero(buffer.subarray(offset, Math.min(offset + BLOCK, bytesRead)));
        if (data && run < 0) run = offset;
        if (!data && run >= 0) {
          await output.write(buffer, run, offset - run, position + run);
          run = -1;
        }
      }
      if (run >= 0) await output.write(buffer, run, bytesRead - run, position + run);
    }
    await output.truncate(size);
  } finally {
    await input.close();
    await output.close();
  }
}

/** A native comparison against zeros: a byte loop in JS would dominate a sparse copy. */
const isZero = (chunk: Buffer): boolean => chunk.equals(ZEROS.subarray(0, chunk.length));
