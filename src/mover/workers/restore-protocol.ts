import { FerryError, type FerryErrorCode } from "../../core/errors.js";
import type { BlobLocation } from "../repo-index.js";

/** Where one copy of a blob's plaintext goes: a file created by restore, at `offset`. */
export interface ChunkTarget {
  readonly path: string;
  /** The file's path in the snapshot, for error messages. */
  readonly rel: string;
  readonly offset: number;
}

/** One blob of a pack and every place its plaintext goes. */
export interface PlannedBlob {
  readonly id: string;
  readonly at: BlobLocation;
  readonly targets: readonly ChunkTarget[];
}

/** What a restore worker is given once: the repository key and the shared abort flag. */
export interface RestoreWorkerData {
  readonly key: Uint8Array | undefined;
  /** Int32 cell: set to 1 to make workers stop between blobs with an Aborted error. */
  readonly abort: SharedArrayBuffer;
}

/**
 * Main thread → worker: open, verify and write the planned blobs of one pack. The plan goes in
 * columns rather than an object per blob and target: a pack of small files holds thousands of
 * blobs, and the worker would otherwise build (and collect) as many objects.
 */
export interface PackJob {
  readonly job: number;
  readonly packId: string;
  /** The pack's bytes (transferred, not copied). */
  readonly pack: Uint8Array;
  /** Blob ids, in plan order. */
  readonly ids: readonly string[];
  /** Per blob, BLOB_FIELDS numbers: offset, length, raw length, type, compression, targets. */
  readonly blobs: Float64Array;
  /** Per target, blob after blob: the file, its path in the snapshot and the offset in it. */
  readonly paths: readonly string[];
  readonly rels: readonly string[];
  readonly offsets: Float64Array;
}

export const BLOB_FIELDS = 6;

/**
 * Main thread → worker: create files or set their metadata, a batch at a time, with blocking
 * calls (through the promise API each call cost the main thread a FileHandle or a thread-pool
 * round trip: most of a restore of many small files).
 */
export interface FsJob {
  readonly job: number;
  readonly kind: "create" | "meta";
  readonly paths: readonly string[];
  /** create: per path its size. meta: per path, META_FIELDS numbers: mode, uid, gid, symlink (1/0). */
  readonly nums: Float64Array;
  /** meta: per path its modification time (nanoseconds, decimal). */
  readonly mtimes: readonly string[];
  /** meta: set owners too (only root may give files away). */
  readonly asRoot: boolean;
}

export const META_FIELDS = 4;

export type RestoreJob = PackJob | FsJob;

/** The columns of a pack job. */
export function encodeJob(
  job: number,
  packId: string,
  pack: Uint8Array,
  planned: readonly PlannedBlob[],
): PackJob {
  const blobs = new Float64Array(planned.length * BLOB_FIELDS);
  const ids: string[] = [];
  const paths: string[] = [];
  const rels: string[] = [];
  const offsets: number[] = [];
  planned.forEach(({ id, at, targets }, i) => {
    ids.push(id);
    blobs.set([at.offset, at.length, at.rawLength, at.type, at.compression, targets.length], i * BLOB_FIELDS);
    for (const t of targets) {
      paths.push(t.path);
      rels.push(t.rel);
      offsets.push(t.offset);
    }
  });
  return { job, packId, pack, ids, blobs, paths, rels, offsets: Float64Array.from(offsets) };
}

/** Blob `i` of a job, with its location in the pack. */
export function blobOf(job: PackJob, i: number): { id: string; at: BlobLocation; targets: number } {
  const f = i * BLOB_FIELDS;
  const at: BlobLocation = {
    pack: job.packId,
    offset: job.blobs[f]!,
    length: job.blobs[f + 1]!,
    rawLength: job.blobs[f + 2]!,
    type: job.blobs[f + 3] as BlobLocation["type"],
    compression: job.blobs[f + 4] as BlobLocation["compression"],
  };
  return { id: job.ids[i]!, at, targets: job.blobs[f + 5]! };
}

/** An error as it crosses the thread boundary: a FerryError keeps its code, message and data. */
export interface WireError {
  readonly ferry: boolean;
  readonly code: string | undefined;
  readonly message: string;
  readonly data: Record<string, unknown>;
  readonly errno?: number | undefined;
  readonly syscall?: string | undefined;
  readonly path?: string | undefined;
}

/** Worker → main thread: one job done (`written`: bytes written, holes excluded) or failed. */
export type JobResult =
  | { readonly job: number; readonly ok: true; readonly written: number; readonly bytes: number }
  | { readonly job: number; readonly ok: false; readonly error: WireError };

/** An error thrown in a worker, in a form that survives postMessage. */
export function toWire(err: unknown): WireError {
  if (err instanceof FerryError) {
    return { ferry: true, code: err.code, message: err.message, data: { ...err.data } };
  }
  const e = err as NodeJS.ErrnoException;
  return {
    ferry: false,
    code: typeof e?.code === "string" ? e.code : undefined,
    message: err instanceof Error ? err.message : String(err),
    data: {},
    errno: e?.errno,
    syscall: e?.syscall,
    path: e?.path,
  };
}

/** The error a worker reported, rebuilt as restore would have thrown it on the main thread. */
export function fromWire(wire: WireError): Error {
  if (wire.ferry) return new FerryError(wire.code as FerryErrorCode, wire.message, { data: wire.data });
  const err: NodeJS.ErrnoException = new Error(wire.message);
  if (wire.code !== undefined) err.code = wire.code;
  if (wire.errno !== undefined) err.errno = wire.errno;
  if (wire.syscall !== undefined) err.syscall = wire.syscall;
  if (wire.path !== undefined) err.path = wire.path;
  return err;
}
