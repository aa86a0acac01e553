import { closeSync, openSync, writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { FerryError } from "../../core/errors.js";
import { dataRuns } from "../zero.js";
import { openBlobSync } from "../open-blob.js";
import { release } from "./release.js";
import { blobOf, toWire, type JobResult, type PackJob, type RestoreWorkerData } from "./restore-protocol.js";

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

parentPort?.on("message", (job: PackJob) => {
  let result: JobResult;
  try {
    result = { job: job.job, ok: true, ...restorePack(job) };
  } catch (err) {
    result = { job: job.job, ok: false, error: toWire(err) };
  }
  parentPort?.postMessage(result);
});
