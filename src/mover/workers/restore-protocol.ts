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

/** Main thread → worker: open, verify and write the planned blobs of one pack. */
export interface PackJob {
  readonly job: number;
  readonly packId: string;
  /** The pack's bytes (transferred, not copied). */
  readonly pack: Uint8Array;
  readonly blobs: readonly PlannedBlob[];
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
