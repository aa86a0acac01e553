import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { FerryError } from "../../core/errors.js";
import { applyMetaSync } from "../apply-meta.js";
import { dataRuns } from "../zero.js";
import { openBlobSync } from "../open-blob.js";
import { release } from "./release.js";
import {
  blobOf,
  META_FIELDS,
  toWire,
  type FsJob,
  type JobResult,
  type PackJob,
  type RestoreJob,
  type RestoreWorkerData,
} from "./restore-protocol.js";

/**
 * A restore worker: for each pack it is sent, opens and verifies the planned blobs and writes
 * their non-zero runs into the files restore created, with blocking calls (a worker may
 * block; the main thread keeps fetching packs). A file's descriptor stays open for all of its
 * chunks in the pack and is closed before the result is posted. Each plaintext, and the pack
 * once done, is released at once: memory stays at about the packs in flight.
 */
const data = workerData as RestoreWorkerData;
const key = data.key === undefined ? undefined : { key: data.key };
const abort = new Int32Array(data.abort);
const OPEN_FILES = 16;

function restorePack(job: PackJob): { written: number; bytes: number } {
  const fds = new Map<string, number>();
  let written = 0;
  let bytes = 0;
  try {
    let target = 0;
    for (let i = 0; i < job.ids.length; i++) {
      if (Atomics.load(abort, 0) !== 0) throw new FerryError("Aborted", "the restore was aborted");
      const { id, at, targets } = blobOf(job, i);
      const plain = openBlobSync(job.pack, at, id, `restoring ${job.rels[target] ?? "?"}`, key);
      for (const end = target + targets; target < end; target++) {
        const fd = descriptor(fds, job.paths[target]!);
        const base = job.offsets[target]!;
        for (const [from, to] of dataRuns(plain, base)) {
          writeAll(fd, plain, from, to, base);
          written += to - from;
        }
        bytes += plain.byteLength;
      }
      if (plain.buffer !== job.pack.buffer) release(plain);
    }
  } finally {
    for (const fd of fds.values()) closeSync(fd);
    release(job.pack);
  }
  return { written, bytes };
}

/**
 * The open descriptor of `path`, opened on first use. Chunks come in file order, so only the
 * few most recent files stay open: a pack of small files names thousands.
 */
function descriptor(fds: Map<string, number>, path: string): number {
  const open = fds.get(path);
  if (open !== undefined) return open;
  if (fds.size >= OPEN_FILES) {
    const [oldPath, oldFd] = fds.entries().next().value as [string, number];
    fds.delete(oldPath);
    closeSync(oldFd);
  }
  const fd = openSync(path, "r+");
  fds.set(path, fd);
  return fd;
}

/** Writes `plain[from, to)` at file offset `base + from`, however many calls that takes. */
function writeAll(fd: number, plain: Uint8Array, from: number, to: number, base: number): void {
  for (let at = from; at < to;) at += writeSync(fd, plain, at, to - at, base + at);
}

/** Creates empty files of their sizes (holes until their chunks are written), or sets metadata. */
function runFs(job: FsJob): void {
  for (let i = 0; i < job.paths.length; i++) {
    if (Atomics.load(abort, 0) !== 0) throw new FerryError("Aborted", "the restore was aborted");
    const path = job.paths[i]!;
    if (job.kind === "create") {
      const fd = openSync(path, "w");
      try {
        if (job.nums[i]! > 0) ftruncateSync(fd, job.nums[i]);
      } finally {
        closeSync(fd);
      }
      continue;
    }
    const f = i * META_FIELDS;
    const meta = { mode: job.nums[f]!, uid: job.nums[f + 1]!, gid: job.nums[f + 2]!, mtime: job.mtimes[i]! };
    applyMetaSync(path, meta, { symlink: job.nums[f + 3] === 1, asRoot: job.asRoot });
  }
}

parentPort?.on("message", (job: RestoreJob) => {
  let result: JobResult;
  try {
    if ("kind" in job) {
      runFs(job);
      result = { job: job.job, ok: true, written: 0, bytes: 0 };
    } else result = { job: job.job, ok: true, ...restorePack(job) };
  } catch (err) {
    result = { job: job.job, ok: false, error: toWire(err) };
  }
  parentPort?.postMessage(result);
});
