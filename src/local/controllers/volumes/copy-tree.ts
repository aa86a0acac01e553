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

const CHUNK = 1 << 16;

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
  const stats: CopyStats = { files: 0, bytes: 0, hardLinks: 0, symlinks: 0, sparseFiles: 0 };
  const inodes = new Map<string, string>();
  await copyDir(source, target, inodes, stats);
  return stats;
}

async function copyDir(
  source: string,
  target: string,
  inodes: Map<string, string>,
  stats: CopyStats,
): Promise<void> {
  const info = await lstat(source);
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    try {
      if (entry.isDirectory()) {
        await copyDir(from, to, inodes, stats);
      } else if (entry.isSymbolicLink()) {
        await symlink(await readlink(from), to);
        const s = await lstat(from);
        await lutimes(to, s.atime, s.mtime).catch(() => undefined);
        stats.symlinks += 1;
      } else if (entry.isFile()) {
        await copyFileEntry(from, to, inodes, stats);
      }
      // Sockets, FIFOs and devices are not volume data a mover could read; they are skipped.
    } catch (err) {
      // A writer outside the cluster's control removed it while we copied: it is not in this instant.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  await chmod(target, info.mode & 0o7777);
  await utimes(target, info.atime, info.mtime);
}

async function copyFileEntry(
  from: string,
  to: string,
  inodes: Map<string, string>,
  stats: CopyStats,
): Promise<void> {
  const info = await lstat(from);
  const inode = `${info.dev}:${info.ino}`;
  const first = info.nlink > 1 ? inodes.get(inode) : undefined;
  if (first !== undefined) {
    await link(first, to);
    stats.hardLinks += 1;
    return;
  }
  if (info.nlink > 1) inodes.set(inode, to);
  const sparse = info.blocks * 512 < info.size;
  if (sparse) {
    await copySparse(from, to, info.size);
    stats.sparseFiles += 1;
  } else {
    // A reflink where the file system has them, a plain copy elsewhere.
    await copyFile(from, to, constants.COPYFILE_FICLONE);
  }
  await chmod(to, info.mode & 0o7777);
  await utimes(to, info.atime, info.mtime);
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
      const chunk = buffer.subarray(0, bytesRead);
      if (!isZero(chunk)) await output.write(chunk, 0, bytesRead, position);
    }
    await output.truncate(size);
  } finally {
    await input.close();
    await output.close();
  }
}

function isZero(chunk: Buffer): boolean {
  for (let i = 0; i < chunk.length; i++) if (chunk[i] !== 0) return false;
  return true;
}
