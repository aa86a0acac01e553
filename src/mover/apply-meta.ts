import { chmodSync, lchownSync, lutimesSync } from "node:fs";
import { chmod, lchown, lutimes } from "node:fs/promises";

/** Metadata restore applies once contents are in place. */
export interface Meta {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: string;
}

/**
 * Sets owner (only when running as root: nobody else may give files away), then mode (a
 * chown clears setuid bits, so it goes first), then times (last, since the other two touch
 * ctime only). Symlinks get owner and times; their mode is meaningless on Linux.
 */
export async function applyMeta(
  path: string,
  meta: Meta,
  options: { readonly symlink: boolean; readonly asRoot: boolean },
): Promise<void> {
  if (options.asRoot) await lchown(path, meta.uid, meta.gid);
  if (!options.symlink) await chmod(path, meta.mode);
  // Access time is not recorded (see tree.ts); it is set to the modification time.
  await lutimes(path, nsToSeconds(meta.mtime), nsToSeconds(meta.mtime));
}

/** `applyMeta` with blocking calls, for a worker thread. */
export function applyMetaSync(
  path: string,
  meta: Meta,
  options: { readonly symlink: boolean; readonly asRoot: boolean },
): void {
  if (options.asRoot) lchownSync(path, meta.uid, meta.gid);
  if (!options.symlink) chmodSync(path, meta.mode);
  lutimesSync(path, nsToSeconds(meta.mtime), nsToSeconds(meta.mtime));
}

/**
 * Nanoseconds (decimal string) to fractional seconds for `utimes`, which keeps microseconds:
 * half a microsecond is added because a double near 1.8e9 s is only good to ~0.24 µs and libuv
 * truncates, so `µs / 1e6` alone lands one microsecond early about half the time.
 */
export function nsToSeconds(ns: string): number {
  return (Number(BigInt(ns) / 1000n) + 0.5) / 1e6;
}
