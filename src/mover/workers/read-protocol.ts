/**
 * Messages between the backup's main thread and its read workers. Workers do every file-system
 * call of a backup (directory listings, lstat, reads) with synchronous calls, which in a worker
 * cost a system call each instead of a thread-pool round trip, and they chunk and hash what
 * they read; the main thread decides what is new and packs it.
 */
import type { Compression, StoredCompression } from "../blob-codec.js";
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
  readonly type: "dir" | "file" | "symlink" | "other";
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

/** A piece of a file as a worker sends it: a chunk (id and its bytes in the batch buffer) or a hole. */
export type WirePiece =
  | {
      readonly id: string;
      readonly offset: number;
      readonly length: number;
      /** Present when the bytes are the chunk's stored form (compressed, sealed), not its plaintext. */
      readonly stored?: { readonly rawLength: number; readonly compression: StoredCompression };
    }
  | { readonly hole: number };

export interface WireError {
  readonly code: string | undefined;
  readonly message: string;
}

/** What became of one small file: its size and pieces, or why it could not be read. */
export type SmallFileResult =
  { readonly size: number; readonly pieces: readonly WirePiece[] } | { readonly error: WireError };

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
export function identityKey(
  e: { readonly size: number; readonly mtimeNs: string; readonly ino: string; readonly ctimeNs: string },
  ignoreInode: boolean,
): string {
  return ignoreInode ? `${e.size}:${e.mtimeNs}` : `${e.size}:${e.mtimeNs}:${e.ino}:${e.ctimeNs}`;
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
  /** With `read`: the small files read (`contents`, aligned with `entries`) in `buffer`. */
  | {
      readonly type: "dir";
      readonly job: number;
      readonly entries: readonly DirEntry[];
      readonly vanished: readonly string[];
      readonly buffer?: ArrayBuffer;
      readonly contents?: readonly (SmallFileResult | null)[];
    }
  /** Per file: its pieces in `buffer`, or why it could not be read. */
  | {
      readonly type: "small";
      readonly job: number;
      readonly buffer: ArrayBuffer;
      readonly files: readonly SmallFileResult[];
    }
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
