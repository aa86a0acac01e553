/**
 * A backup read worker (see read-protocol.ts): lists directories, reads small files in
 * batches and streams large files in chunked batches, hashing every chunk. Large files are
 * sent in batches of a few MiB and wait for credit, so at most two batches per file are in
 * flight whatever the file's size.
 */
import { sha256Hex } from "../../repository/crypto.js";
import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, fstatSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { childPath } from "../child-path.js";
import { encodeBlobSync, StoredCompression } from "../blob-codec.js";
import { nextPiece } from "../pieces.js";
import { BufferPool } from "./buffer-pool.js";
import { release } from "./release.js";
import { cutterOf } from "../repo-cutter.js";
import {
  ENTRY_FIELDS,
  FILE_FIELDS,
  PIECE_FIELDS,
  identityOf,
  type DirRead,
  type FromWorker,
  type ReadWorkerData,
  type ToWorker,
  type WireError,
  type WireFiles,
  type WireListing,
  type WirePiece,
} from "./read-protocol.js";

const BATCHES_IN_FLIGHT = 2;

const data = workerData as ReadWorkerData;
const cutter = cutterOf(data.gearSeed, data.params);
const encoding = {
  compression: data.compression,
  key: data.key === undefined ? undefined : { key: data.key },
};
/** Whether a chunk's stored form is its plaintext (nothing to encode). */
const storedAsIs = encoding.key === undefined && encoding.compression === "off";
const batchSize = Math.max(4 * 1024 * 1024, 2 * cutter.params.maxSize + 128 * 1024);
const port = parentPort;
const buffers = new BufferPool(2);

const files = new Map<number, { credits: number; wake: (() => void) | undefined; cancelled: boolean }>();

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function wireError(err: unknown): WireError {
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e.code === "string" ? e.code : undefined, message: String(e.message ?? err) };
}

function listDir(job: number, path: string, read: DirRead | undefined): void {
  const all = readdirSync(path).sort();
  const names: string[] = [];
  const vanished: string[] = [];
  let nums = new Float64Array(all.length * ENTRY_FIELDS);
  const mtimes: string[] = [];
  const ctimes: string[] = [];
  const inos: string[] = [];
  const devs: string[] = [];
  const targets: Record<number, string> = {};
  for (const name of all) {
    let st;
    try {
      st = lstatSync(childPath(path, name), { bigint: true });
    } catch (err) {
      if ((err as { code?: unknown }).code === "ENOENT") {
        vanished.push(name);
        continue;
      }
      throw err;
    }
    const i = names.length;
    const type = st.isDirectory() ? 0 : st.isFile() ? 1 : st.isSymbolicLink() ? 2 : 3;
    const at = i * ENTRY_FIELDS;
    nums[at] = type;
    nums[at + 1] = Number(st.mode & 0o7777n);
    nums[at + 2] = Number(st.uid);
    nums[at + 3] = Number(st.gid);
    nums[at + 4] = Number(st.size);
    nums[at + 5] = Number(st.nlink);
    names.push(name);
    mtimes.push(String(st.mtimeNs));
    ctimes.push(String(st.ctimeNs));
    inos.push(String(st.ino));
    devs.push(String(st.dev));
    if (type === 2) targets[i] = readlinkSync(childPath(path, name));
  }
  if (names.length < all.length) nums = nums.slice(0, names.length * ENTRY_FIELDS);
  const listing: WireListing = { names, nums, mtimes, ctimes, inos, devs, targets };
  if (read === undefined) return send({ type: "dir", job, listing, vanished }, [nums.buffer]);
  // Read the small files whose metadata differs from the parent snapshot's, within the budget.
  const wanted: { path: string; size: number }[] = [];
  const at: number[] = [];
  let budget = read.budget;
  for (let i = 0; i < names.length; i++) {
    const size = nums[i * ENTRY_FIELDS + 4]!;
    if (nums[i * ENTRY_FIELDS] !== 1 || nums[i * ENTRY_FIELDS + 5]! > 1) continue;
    if (size > read.limit || size > budget) continue;
    const name = names[i]!;
    if (read.hints[name] === identityOf(size, mtimes[i]!, inos[i]!, ctimes[i]!, read.ignoreInode)) continue;
    wanted.push({ path: childPath(path, name), size });
    at.push(i);
    budget -= size;
  }
  const { buffer, files } = readFiles(wanted);
  const readAt = Int32Array.from(at);
  send({ type: "dir", job, listing, vanished, buffer, read: files, readAt }, [
    buffer,
    nums.buffer,
    ...transferablesOf(files),
    readAt.buffer,
  ]);
}

/** Where `cut` puts what it finds: a chunk (its hex id and place in the buffer) or a hole. */
interface PieceSink {
  chunk(id: string, offset: number, length: number): void;
  hole(length: number): void;
}

/** Cuts `buf[start, end)` into pieces, hashing the chunks; returns where it stopped. */
function cut(buf: Uint8Array, start: number, end: number, eof: boolean, sink: PieceSink): number {
  let at = start;
  for (
    let piece = nextPiece(cutter, buf, at, end, eof);
    piece !== undefined;
    piece = nextPiece(cutter, buf, at, end, eof)
  ) {
    if ("hole" in piece) {
      sink.hole(piece.hole);
      at += piece.hole;
    } else {
      sink.chunk(sha256Hex(buf.subarray(at, at + piece.chunk)), at, piece.chunk);
      at += piece.chunk;
    }
  }
  return at;
}

/** A large file's batch of pieces, as objects (a few per MiB). */
class PieceList implements PieceSink {
  readonly pieces: WirePiece[] = [];
  chunk(id: string, offset: number, length: number): void {
    this.pieces.push({ id, offset, length });
  }
  hole(length: number): void {
    this.pieces.push({ hole: length });
  }
}

/** Small files' pieces in columns (see WireFiles): plaintext offsets until `encodeAll`. */
class PieceColumns implements PieceSink {
  readonly pieces: number[] = [];
  readonly ids: string[] = [];
  chunk(id: string, offset: number, length: number): void {
    this.pieces.push(offset, length, length, StoredCompression.None);
    this.ids.push(id);
  }
  hole(length: number): void {
    this.pieces.push(-1, length, length, StoredCompression.None);
  }
}

/**
 * Reads small files in one batch. One read of `size + 1` bytes tells a file that is
 * as lstat saw it (or shorter) from one that grew since, which is then read to its end.
 */
function readSmall(job: number, list: readonly { path: string; size: number }[]): void {
  const { buffer, files } = readFiles(list);
  send({ type: "small", job, buffer, read: files }, [buffer, ...transferablesOf(files)]);
}

function transferablesOf(files: WireFiles): ArrayBuffer[] {
  return [files.files.buffer as ArrayBuffer, files.pieces.buffer as ArrayBuffer];
}

function readFiles(list: readonly { path: string; size: number }[]): {
  buffer: ArrayBuffer;
  files: WireFiles;
} {
  let buf = buffers.take(list.reduce((n, f) => n + f.size + 1, 0));
  let used = 0;
  const files = new Float64Array(list.length * FILE_FIELDS);
  const columns = new PieceColumns();
  const errors: Record<number, WireError> = {};
  for (let k = 0; k < list.length; k++) {
    const file = list[k]!;
    let fd: number | undefined;
    const start = used;
    const firstPiece = columns.pieces.length;
    const firstId = columns.ids.length;
    try {
      fd = openSync(file.path, "r");
      let want = file.size + 1;
      for (;;) {
        if (buf.length - used < want) buf = buffers.grow(buf, used, used + want);
        const n = readSync(fd, buf, used, want, null);
        used += n;
        if (n < want) break;
        want = Math.max(64 * 1024, fstatSync(fd).size - (used - start) + 1);
      }
      cut(buf, start, used, true, columns);
      files.set(
        [
          used - start,
          firstPiece / PIECE_FIELDS,
          (columns.pieces.length - firstPiece) / PIECE_FIELDS,
          firstId,
        ],
        k * FILE_FIELDS,
      );
    } catch (err) {
      used = start;
      columns.pieces.length = firstPiece;
      columns.ids.length = firstId;
      files.set([-1, firstPiece / PIECE_FIELDS, 0, firstId], k * FILE_FIELDS);
      errors[k] = wireError(err);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  const pieces = Float64Array.from(columns.pieces);
  if (!storedAsIs) {
    const plain = buf;
    buf = encodeAll(plain, used, pieces);
    buffers.recycle(plain.buffer as ArrayBuffer);
  }
  return { buffer: buf.buffer as ArrayBuffer, files: { files, pieces, ids: columns.ids.join(""), errors } };
}

/**
 * Encodes (compresses, seals) every chunk of a batch of small files into a new buffer and
 * points their pieces at it. Small files are new more often than not, and their chunks are
 * many: encoding them here spares the main thread one cipher per file. (Large files' chunks are
 * encoded by the main thread, once it knows they are new: a changed disk image is mostly known
 * chunks.)
 */
function encodeAll(plain: Uint8Array, used: number, pieces: Float64Array): Buffer {
  let out = buffers.take(used + 64 * 1024);
  let at = 0;
  for (let p = 0; p < pieces.length; p += PIECE_FIELDS) {
    const offset = pieces[p]!;
    if (offset < 0) continue; // a hole
    const encoded = encodeBlobSync(plain.subarray(offset, offset + pieces[p + 1]!), encoding);
    if (out.length - at < encoded.length) out = buffers.grow(out, at, at + encoded.length);
    pieces[p] = at;
    pieces[p + 1] = encoded.length;
    pieces[p + 3] = encoded.compression;
    for (const part of encoded.parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    if (encoded.owned === true) for (const part of encoded.parts) release(part);
  }
  return out;
}

/** Streams a large file in batches, waiting for credit after each `BATCHES_IN_FLIGHT`. */
async function readLarge(job: number, path: string): Promise<void> {
  const state = { credits: BATCHES_IN_FLIGHT, wake: undefined as (() => void) | undefined, cancelled: false };
  files.set(job, state);
  const fd = openSync(path, "r");
  try {
    let buf = buffers.take(batchSize);
    let end = 0;
    let eof = false;
    let size = 0;
    for (;;) {
      while (end < buf.length && !eof) {
        const n = readSync(fd, buf, end, buf.length - end, null);
        if (n === 0) eof = true;
        end += n;
        size += n;
      }
      const list = new PieceList();
      const stop = cut(buf, 0, end, eof, list);
      const { pieces } = list;
      const done = eof && stop === end;
      const next = done ? undefined : buffers.take(batchSize);
      next?.set(buf.subarray(stop, end));
      while (state.credits === 0 && !state.cancelled) await new Promise<void>((wake) => (state.wake = wake));
      if (state.cancelled) return;
      state.credits -= 1;
      send({ type: "file", job, buffer: buf.buffer as ArrayBuffer, pieces, done, size }, [
        buf.buffer as ArrayBuffer,
      ]);
      if (next === undefined) return;
      buf = next;
      end -= stop;
      // Let queued messages (credits, listings, small files) in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
    files.delete(job);
  }
}

/** Counts regular files and bytes under `root`, yielding to other jobs after each directory. */
async function scan(job: number, root: string): Promise<void> {
  let files = 0;
  let bytes = 0;
  const stack = [root];
  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = childPath(dir, e.name);
      if (e.isDirectory()) stack.push(path);
      else if (e.isFile()) {
        files += 1;
        bytes += lstatSync(path, { throwIfNoEntry: false })?.size ?? 0;
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  send({ type: "scan", job, files, bytes });
}

port?.on("message", (message: ToWorker) => {
  const { job } = message;
  for (const buffer of message.recycled ?? []) buffers.recycle(buffer);
  try {
    switch (message.type) {
      case "dir":
        return listDir(job, message.path, message.read);
      case "small":
        return readSmall(job, message.files);
      case "scan":
        scan(job, message.path).catch((err: unknown) => send({ type: "error", job, error: wireError(err) }));
        return;
      case "file":
        readLarge(job, message.path).catch((err: unknown) =>
          send({ type: "error", job, error: wireError(err) }),
        );
        return;
      case "credit":
      case "cancel": {
        if (message.type === "credit") buffers.recycle(message.buffer);
        const state = files.get(job);
        if (state === undefined) return;
        if (message.type === "credit") state.credits += 1;
        else state.cancelled = true;
        state.wake?.();
        state.wake = undefined;
        return;
      }
    }
  } catch (err) {
    send({ type: "error", job, error: wireError(err) });
  }
});
