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
  identityKey,
  type DirEntry,
  type DirRead,
  type FromWorker,
  type ReadWorkerData,
  type SmallFileResult,
  type ToWorker,
  type WireError,
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
  const entries: DirEntry[] = [];
  const vanished: string[] = [];
  for (const name of readdirSync(path).sort()) {
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
    const type = st.isDirectory() ? "dir" : st.isFile() ? "file" : st.isSymbolicLink() ? "symlink" : "other";
    entries.push({
      name,
      type,
      mode: Number(st.mode & 0o7777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
      mtimeNs: String(st.mtimeNs),
      ctimeNs: String(st.ctimeNs),
      size: Number(st.size),
      ino: String(st.ino),
      dev: String(st.dev),
      nlink: Number(st.nlink),
      ...(type === "symlink" ? { target: readlinkSync(childPath(path, name)) } : {}),
    });
  }
  if (read === undefined) return send({ type: "dir", job, entries, vanished });
  // Read the small files whose metadata differs from the parent snapshot's, within the budget.
  const wanted: { path: string; size: number }[] = [];
  const at: number[] = [];
  let budget = read.budget;
  for (const [i, e] of entries.entries()) {
    if (e.type !== "file" || e.nlink > 1 || e.size > read.limit || e.size > budget) continue;
    if (read.hints[e.name] === identityKey(e, read.ignoreInode)) continue;
    wanted.push({ path: childPath(path, e.name), size: e.size });
    at.push(i);
    budget -= e.size;
  }
  const { buffer, files } = readFiles(wanted);
  const contents: (SmallFileResult | null)[] = entries.map(() => null);
  for (const [j, i] of at.entries()) contents[i] = files[j]!;
  send({ type: "dir", job, entries, vanished, buffer, contents }, [buffer]);
}

/** Cuts `buf[start, end)` into pieces, hashing the chunks; returns where it stopped. */
function cut(buf: Uint8Array, start: number, end: number, eof: boolean, pieces: WirePiece[]): number {
  let at = start;
  for (
    let piece = nextPiece(cutter, buf, at, end, eof);
    piece !== undefined;
    piece = nextPiece(cutter, buf, at, end, eof)
  ) {
    if ("hole" in piece) {
      pieces.push({ hole: piece.hole });
      at += piece.hole;
    } else {
      const id = sha256Hex(buf.subarray(at, at + piece.chunk));
      pieces.push({ id, offset: at, length: piece.chunk });
      at += piece.chunk;
    }
  }
  return at;
}

/**
 * Reads whole small files into one buffer. One read of `size + 1` bytes tells a file that is
 * as lstat saw it (or shorter) from one that grew since, which is then read to its end.
 */
function readSmall(job: number, list: readonly { path: string; size: number }[]): void {
  const { buffer, files } = readFiles(list);
  send({ type: "small", job, buffer, files }, [buffer]);
}

function readFiles(list: readonly { path: string; size: number }[]): {
  buffer: ArrayBuffer;
  files: SmallFileResult[];
} {
  let buf = buffers.take(list.reduce((n, f) => n + f.size + 1, 0));
  let used = 0;
  const out: SmallFileResult[] = [];
  for (const file of list) {
    let fd: number | undefined;
    const start = used;
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
      const pieces: WirePiece[] = [];
      cut(buf, start, used, true, pieces);
      out.push({ size: used - start, pieces });
    } catch (err) {
      used = start;
      out.push({ error: wireError(err) });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  if (storedAsIs) markStored(out);
  else {
    const plain = buf;
    buf = encodeAll(plain, used, out);
    buffers.recycle(plain.buffer as ArrayBuffer);
  }
  return { buffer: buf.buffer as ArrayBuffer, files: out };
}

/** Marks small files' chunks as stored as they are (no key, no compression): no copy. */
function markStored(results: SmallFileResult[]): void {
  for (const [i, result] of results.entries()) {
    if ("error" in result) continue;
    const pieces = result.pieces.map((p): WirePiece =>
      "hole" in p ? p : { ...p, stored: { rawLength: p.length, compression: StoredCompression.None } },
    );
    results[i] = { size: result.size, pieces };
  }
}

/**
 * Encodes (compresses, seals) every chunk of a batch of small files into a new buffer and
 * points their pieces at it. Small files are new more often than not, and their chunks are
 * many: encoding them here spares the main thread one cipher per file. (Large files' chunks are
 * encoded by the main thread, once it knows they are new: a changed disk image is mostly known
 * chunks.)
 */
function encodeAll(plain: Uint8Array, used: number, results: SmallFileResult[]): Buffer {
  let out = buffers.take(used + 64 * 1024);
  let at = 0;
  for (const [i, result] of results.entries()) {
    if ("error" in result) continue;
    const pieces = result.pieces.map((p): WirePiece => {
      if ("hole" in p) return p;
      const encoded = encodeBlobSync(plain.subarray(p.offset, p.offset + p.length), encoding);
      if (out.length - at < encoded.length) out = buffers.grow(out, at, at + encoded.length);
      const offset = at;
      for (const part of encoded.parts) {
        out.set(part, at);
        at += part.byteLength;
      }
      if (encoded.owned === true) for (const part of encoded.parts) release(part);
      return {
        id: p.id,
        offset,
        length: encoded.length,
        stored: { rawLength: p.length, compression: encoded.compression },
      };
    });
    results[i] = { size: result.size, pieces };
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
      const pieces: WirePiece[] = [];
      const stop = cut(buf, 0, end, eof, pieces);
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
