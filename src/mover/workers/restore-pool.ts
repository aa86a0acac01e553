import type { Worker } from "node:worker_threads";
import { FerryError, errorMessage } from "../../core/errors.js";
import type { RepositoryKey } from "../../repository/crypto.js";
import {
  encodeJob,
  fromWire,
  type FsJob,
  type JobResult,
  type PlannedBlob,
  type RestoreJob,
  type RestoreWorkerData,
} from "./restore-protocol.js";
import { spawnModuleWorker } from "./spawn.js";

export interface PackDone {
  /** Bytes written to files (holes excluded). */
  readonly written: number;
  /** Bytes of plaintext restored, once per target. */
  readonly bytes: number;
}

interface Job {
  readonly message: RestoreJob;
  readonly resolve: (done: PackDone) => void;
  readonly reject: (err: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  job?: Job | undefined;
  failed?: Error;
}

// From the sources, spawnModuleWorker runs restore-worker.ts beside this file.
const WORKER_URL = new URL("./restore-worker.js", import.meta.url);
// A pack of small files is a message of thousands of blobs: left to grow (to 32 MiB and more),
// each worker's young generation holds ~40 MiB of garbage.
const resourceLimits = { maxYoungGenerationSizeMb: 8 };

/**
 * Restore's worker threads. Each pack is transferred (not copied) to the first idle worker,
 * which opens, verifies and writes its blobs; packs wait here while every worker is busy, so
 * a worker never idles while a fetched pack is waiting for another. `abort` makes the workers
 * stop at their next blob and fails the waiting packs; `close` ends the threads.
 */
export class RestorePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private readonly abortFlag = new Int32Array(new SharedArrayBuffer(4));
  private nextJob = 0;

  constructor(size: number, key: RepositoryKey | undefined) {
    const workerData: RestoreWorkerData = {
      key: key?.key,
      abort: this.abortFlag.buffer,
    };
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: spawnModuleWorker(WORKER_URL, { workerData, resourceLimits }) };
      slot.worker.on("message", (result: JobResult) => this.settle(slot, result));
      slot.worker.on("error", (err) => this.fail(slot, err));
      slot.worker.on("exit", (code) => this.fail(slot, new Error(`a restore worker exited (code ${code})`)));
      this.slots.push(slot);
    }
  }

  /** Writes the planned blobs of one pack (whose bytes move to the worker). */
  run(packId: string, pack: Uint8Array, blobs: readonly PlannedBlob[]): Promise<PackDone> {
    if (this.slots.every((s) => s.failed !== undefined)) {
      return Promise.reject(new FerryError("Internal", `restore workers failed: ${this.failure()}`));
    }
    // A pack that shares its buffer (a pooled or sliced one) is copied; otherwise it moves.
    const own =
      pack.byteOffset === 0 &&
      pack.byteLength === pack.buffer.byteLength &&
      pack.buffer instanceof ArrayBuffer
        ? pack
        : pack.slice();
    return new Promise<PackDone>((resolve, reject) => {
      this.waiting.push({ message: encodeJob(this.nextJob++, packId, own, blobs), resolve, reject });
      this.dispatch();
    });
  }

  /** Creates files or sets their metadata (see FsJob) on the first idle worker. */
  runFs(job: Omit<FsJob, "job">): Promise<void> {
    if (this.slots.every((s) => s.failed !== undefined)) {
      return Promise.reject(new FerryError("Internal", `restore workers failed: ${this.failure()}`));
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ message: { ...job, job: this.nextJob++ }, resolve: () => resolve(), reject });
      this.dispatch();
    });
  }

  /** Workers stop before their next blob; their current packs and the waiting ones fail. */
  abort(): void {
    Atomics.store(this.abortFlag, 0, 1);
    const aborted = new FerryError("Aborted", "the restore was aborted");
    for (const job of this.waiting.splice(0)) job.reject(aborted);
  }

  async close(): Promise<void> {
    this.abort();
    for (const slot of this.slots) slot.failed ??= new Error("closed");
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.failed !== undefined || slot.job !== undefined) continue;
      const job = this.waiting.shift()!;
      slot.job = job;
      const { message } = job;
      slot.worker.postMessage(message, "pack" in message ? [message.pack.buffer as ArrayBuffer] : []);
    }
  }

  private settle(slot: Slot, result: JobResult): void {
    const job = slot.job;
    if (job === undefined || job.message.job !== result.job) return;
    slot.job = undefined;
    if (result.ok) job.resolve({ written: result.written, bytes: result.bytes });
    else job.reject(fromWire(result.error));
    this.dispatch();
  }

  private fail(slot: Slot, err: Error): void {
    slot.failed ??= err;
    const job = slot.job;
    slot.job = undefined;
    job?.reject(new FerryError("Internal", `a restore worker failed: ${errorMessage(err)}`, { cause: err }));
    if (this.slots.every((s) => s.failed !== undefined)) {
      const error = new FerryError("Internal", `restore workers failed: ${this.failure()}`);
      for (const waiting of this.waiting.splice(0)) waiting.reject(error);
    } else {
      this.dispatch();
    }
  }

  private failure(): string {
    return this.slots
      .filter((s) => s.failed !== undefined)
      .map((s) => errorMessage(s.failed))
      .join("; ");
  }
}
