/**
 * Messages between the backup's main thread and its read workers. Workers do every file-system
 * call of a backup (directory listings, lstat, reads) with synchronous calls, which in a worker
 * cost a system call each instead of a thread-pool round trip, and they chunk and hash what
 * they read; the main thread decides what is new and packs it.
 */
import type { Compression } from "../blob-codec.js";
import type { ChunkerParams } from "../chunker.js";

export interface ReadWorkerData {
  readonly gearSeed: Uint8Array | undefined;
  readonly params: ChunkerParams;
  /** How small files' chunks are stored: workers encode (compress, seal) them. */
  readonly compression: Compression;
  /** The repository key's bytes when it is encrypted. */
  readonly key: Uint8Array | undefined;
}

/** One entry of a directory, as lstat saw it. Times and inode numbers are decimal strings. */
export interface DirEntry {
  readonly name: string;
  readonly type: EntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly size: number;
  readonly ino: string;
  readonly dev: string;
  readonly nlink: number;
  /** A symlink's target. */
  readonly target?: string;
}

export type EntryType = "dir" | "file" | "symlink" | "other";
export const ENTRY_TYPES: readonly EntryType[] = ["dir", "file", "symlink", "other"];

/**
 * A directory's entries in columns. A listing is one message per directory of thousands of
 * files; sent as objects, each entry cost the receiving thread a dozen allocations to
 * deserialise (most of a small-file backup's garbage), as columns a few strings.
 */
export interface WireListing {
  readonly names: readonly string[];
  /** Per entry, `ENTRY_FIELDS` numbers: type (index in ENTRY_TYPES), mode, uid, gid, size, nlink. */
  readonly nums: Float64Array;
  readonly mtimes: readonly string[];
  readonly ctimes: readonly string[];
  readonly inos: readonly string[];
  readonly devs: readonly string[];
  /** Symlinks' targets, by entry position. */
  readonly targets: Readonly<Record<number, string>>;
}
export const ENTRY_FIELDS = 6;

/**
 * A piece of a large file as a worker sends it: a chunk (its id, and its plaintext in the batch
 * buffer; the main thread seals only chunks that are new) or a hole.
 */
export type WirePiece =
  { readonly id: string; readonly offset: number; readonly length: number } | { readonly hole: number };

export interface WireError {
  readonly code: string | undefined;
  readonly message: string;
}

/**
 * Small files read whole, in columns, their chunks already in stored form (compressed,
 * sealed) in the batch's buffer; aligned with the files asked for.
 */
export interface WireFiles {
  /** Per file, `FILE_FIELDS` numbers: bytes read (-1 when it failed: see `errors`), first piece, pieces, first id. */
  readonly files: Float64Array;
  /**
   * Per piece, `PIECE_FIELDS` numbers: offset of its stored bytes in the buffer (-1 for a hole),
   * stored length (a hole's size), raw length, stored compression.
   */
  readonly pieces: Float64Array;
  /** The chunks' hex ids, 64 characters each, in piece order (holes have none). */
  readonly ids: string;
  readonly errors: Readonly<Record<number, WireError>>;
}
export const FILE_FIELDS = 4;
export const PIECE_FIELDS = 4;
export const ID_CHARS = 64;

/**
 * With a directory listing, read its small files too, unless their metadata matches the parent
 * snapshot's (`hints`: name → identityKey): one message per directory instead of two.
 */
export interface DirRead {
  readonly hints: Readonly<Record<string, string>>;
  readonly ignoreInode: boolean;
  /** Largest file read this way. */
  readonly limit: number;
  /** Bytes read this way at most; the rest is left to `small` jobs. */
  readonly budget: number;
}

/** What decides that a file is unchanged since the parent snapshot (besides its chunks being stored). */
export function identityOf(
  size: number,
  mtimeNs: string,
  ino: string,
  ctimeNs: string,
  ignoreInode: boolean,
): string {
  return ignoreInode ? `${size}:${mtimeNs}` : `${size}:${mtimeNs}:${ino}:${ctimeNs}`;
}

/** Every message may hand back buffers the main thread is done with (`recycled`). */
export type ToWorker = (
  | { readonly type: "dir"; readonly job: number; readonly path: string; readonly read?: DirRead }
  | {
      readonly type: "small";
      readonly job: number;
      readonly files: readonly { path: string; size: number }[];
    }
  | { readonly type: "file"; readonly job: number; readonly path: string }
  /** The batch before last was handled: the worker may send one more, in the buffer returned. */
  | { readonly type: "credit"; readonly job: number; readonly buffer: ArrayBuffer }
  /** A buffer the main thread is done with, for the worker to read into again. */
  | { readonly type: "cancel"; readonly job: number }
  /** Count the files under a directory, a directory at a time between other jobs. */
  | { readonly type: "scan"; readonly job: number; readonly path: string }
) & { readonly recycled?: readonly ArrayBuffer[] };

export type FromWorker =
  /** With `read`: the small files read (`read.files` aligned with `readAt`, entry positions) in `buffer`. */
  | {
      readonly type: "dir";
      readonly job: number;
      readonly listing: WireListing;
      readonly vanished: readonly string[];
      readonly buffer?: ArrayBuffer;
      readonly read?: WireFiles;
      readonly readAt?: Int32Array;
    }
  /** The files asked for, read, in `buffer`. */
  | { readonly type: "small"; readonly job: number; readonly buffer: ArrayBuffer; readonly read: WireFiles }
  /** The next pieces of a large file; `size` (bytes read in all) comes with the last batch. */
  | {
      readonly type: "file";
      readonly job: number;
      readonly buffer: ArrayBuffer;
      readonly pieces: readonly WirePiece[];
      readonly done: boolean;
      readonly size: number;
    }
  | { readonly type: "scan"; readonly job: number; readonly files: number; readonly bytes: number }
  | { readonly type: "error"; readonly job: number; readonly error: WireError };
