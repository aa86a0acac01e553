/**
 * The main thread's side of the read workers' column messages (read-protocol.ts): a
 * directory's entries as objects of one shape, and small files read in a batch as a view over
 * its columns, so that storing 100,000 small files allocates no object per chunk.
 */
import type { StoredCompression } from "../blob-codec.js";
import {
  ENTRY_FIELDS,
  ENTRY_TYPES,
  FILE_FIELDS,
  ID_CHARS,
  PIECE_FIELDS,
  type DirEntry,
  type WireError,
  type WireFiles,
  type WireListing,
} from "./read-protocol.js";

/** A worker's error as an Error, with its `code` (ENOENT…) kept. */
export function toError(wire: WireError): Error {
  return Object.assign(new Error(wire.message), wire.code === undefined ? {} : { code: wire.code });
}

export function entriesOf(l: WireListing): DirEntry[] {
  const out = new Array<DirEntry>(l.names.length);
  for (let i = 0; i < out.length; i++) {
    const at = i * ENTRY_FIELDS;
    const entry: DirEntry = {
      name: l.names[i]!,
      type: ENTRY_TYPES[l.nums[at]!]!,
      mode: l.nums[at + 1]!,
      uid: l.nums[at + 2]!,
      gid: l.nums[at + 3]!,
      mtimeNs: l.mtimes[i]!,
      ctimeNs: l.ctimes[i]!,
      size: l.nums[at + 4]!,
      ino: l.inos[i]!,
      dev: l.devs[i]!,
      nlink: l.nums[at + 5]!,
    };
    const target = l.targets[i];
    out[i] = target === undefined ? entry : { ...entry, target };
  }
  return out;
}

/**
 * Small files a worker read: per file its size (or error) and pieces; per piece its stored
 * bytes in `bytes` (compressed and sealed as the repository wants them) or a hole.
 */
export class FileBatch {
  /** The batch's buffer: stored chunks are copied out of it by offset. */
  readonly bytes: Buffer;

  constructor(
    private readonly wire: WireFiles,
    buffer: ArrayBuffer,
  ) {
    this.bytes = Buffer.from(buffer);
  }

  /** Why file `k` could not be read, if it could not. */
  error(k: number): Error | undefined {
    const wire = this.wire.files[k * FILE_FIELDS]! < 0 ? this.wire.errors[k] : undefined;
    return wire === undefined ? undefined : toError(wire);
  }

  /** Bytes read of file `k`. */
  size(k: number): number {
    return this.wire.files[k * FILE_FIELDS]!;
  }

  /** File `k`'s pieces are `firstPiece(k)` … `firstPiece(k) + pieceCount(k) - 1`. */
  firstPiece(k: number): number {
    return this.wire.files[k * FILE_FIELDS + 1]!;
  }

  pieceCount(k: number): number {
    return this.wire.files[k * FILE_FIELDS + 2]!;
  }

  /** The ordinal of file `k`'s first chunk id (holes have none). */
  firstId(k: number): number {
    return this.wire.files[k * FILE_FIELDS + 3]!;
  }

  isHole(p: number): boolean {
    return this.wire.pieces[p * PIECE_FIELDS]! < 0;
  }

  /** Where piece `p`'s stored bytes start in `bytes`. */
  offset(p: number): number {
    return this.wire.pieces[p * PIECE_FIELDS]!;
  }

  /** Piece `p`'s stored length (a hole's size). */
  length(p: number): number {
    return this.wire.pieces[p * PIECE_FIELDS + 1]!;
  }

  rawLength(p: number): number {
    return this.wire.pieces[p * PIECE_FIELDS + 2]!;
  }

  compression(p: number): StoredCompression {
    return this.wire.pieces[p * PIECE_FIELDS + 3]! as StoredCompression;
  }

  /** The `n`th chunk id of the batch. */
  id(n: number): string {
    return this.wire.ids.slice(n * ID_CHARS, (n + 1) * ID_CHARS);
  }
}
