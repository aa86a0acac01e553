import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import type { RepositoryKey } from "../../repository/crypto.js";
import type { DirEntry, DirRead, FromWorker, ReadWorkerData, ToWorker, WirePiece } from "./read-protocol.js";
import { spawnModuleWorker } from "./spawn.js";
import { entriesOf, FileBatch, toError } from "./wire-decode.js";

/** A piece of a large file on the main thread: a chunk with its id and plaintext, or a hole's length. */
export type FilePiece = { readonly id: string; readonly data: Uint8Array } | number;

export interface DirListing {
  readonly entries: readonly DirEntry[];
  readonly vanished: readonly string[];
  /** The small changed files read with the listing, and per entry its file in `read` (or -1). */
  readonly read: FileBatch | undefined;
  readonly fileOf: Int32Array;
  release(): void;
}

interface Job {
  readonly worker: PoolWorker;
  readonly large: boolean;
  onMessage(message: FromWorker): void;
  fail(error: Error): void;
}

interface PoolWorker {
  readonly thread: Worker;
  /** Buffers to hand back with the next message. */
  readonly returned: ArrayBuffer[];
  jobs: number;
  large: number;
}

/**
 * The backup's read workers (see read-protocol.ts), one per core by default. Each call is one
 * job on the least busy worker; a large file's batches are handed to `onPiece` in order, and
 * the worker reads ahead by at most two batches.
 */
export class ReadPool {
  private readonly workers: PoolWorker[] = [];
  private readonly jobs = new Map<number, Job>();
  private nextJob = 1;
  private failure: Error | undefined;

  constructor(
    options: Omit<ReadWorkerData, "key"> & {
      readonly key: RepositoryKey | undefined;
      readonly workers?: number;
    },
  ) {
    const count = Math.max(1, options.workers ?? availableParallelism());
    const workerData: ReadWorkerData = {
      gearSeed: options.gearSeed,
      params: options.params,
      compression: options.compression,
      key: options.key?.key,
    };
    for (let i = 0; i < count; i++) {
      const thread = spawnModuleWorker(new URL("./read-worker.js", import.meta.url), {
        workerData,
        resourceLimits: { maxYoungGenerationSizeMb: 4 },
      });
      const worker: PoolWorker = { thread, returned: [], jobs: 0, large: 0 };
      thread.on("message", (message: FromWorker) => this.jobs.get(message.job)?.onMessage(message));
      thread.on("error", (err) => this.workerFailed(worker, err));
      thread.on("exit", (code) =>
        this.workerFailed(worker, new Error(`a backup read worker exited (code ${code})`)),
      );
      this.workers.push(worker);
    }
  }

  /**
   * The entries of a directory sorted by name, and the names that vanished before lstat; with
   * `read`, the contents of its small changed files too (aligned with the entries, null where
   * not read), valid until `release`.
   */
  listDir(path: string, read?: DirRead): Promise<DirListing> {
    return this.request(
      false,
      (job) => ({ type: "dir", job, path, ...(read === undefined ? {} : { read }) }),
      (message, done, _fail, _job, worker) => {
        if (message.type !== "dir") return;
        const { buffer, listing } = message;
        const fileOf = new Int32Array(listing.names.length).fill(-1);
        message.readAt?.forEach((entry, k) => (fileOf[entry] = k));
        done({
          entries: entriesOf(listing),
          vanished: message.vanished,
          read:
            buffer === undefined || message.read === undefined
              ? undefined
              : new FileBatch(message.read, buffer),
          fileOf,
          release: () => {
            if (buffer !== undefined) worker.returned.push(buffer);
          },
        });
      },
    );
  }

  /** Counts the regular files under `root` and their bytes (for progress totals). */
  scan(root: string): Promise<{ files: number; bytes: number }> {
    return this.request(
      false,
      (job) => ({ type: "scan", job, path: root }),
      (message, done) => {
        if (message.type === "scan") done({ files: message.files, bytes: message.bytes });
      },
    );
  }

  /**
   * Reads whole files (each expected to be about `size` bytes) in one job. Their chunks are
   * views into one buffer: `release` hands it back to the worker once they have been stored.
   */
  readSmall(
    files: readonly { path: string; size: number }[],
  ): Promise<{ read: FileBatch; release: () => void }> {
    return this.request(
      false,
      (job) => ({ type: "small", job, files }),
      (message, done, _fail, job, worker) => {
        if (message.type !== "small") return;
        const { buffer } = message;
        done({ read: new FileBatch(message.read, buffer), release: () => worker.returned.push(buffer) });
      },
    );
  }

  /**
   * Reads a file in chunks: `onPiece` gets each piece in order, one at a time (a chunk's bytes
   * are only valid until its promise resolves). Resolves with the bytes read.
   */
  chunkFile(path: string, onPiece: (piece: FilePiece) => Promise<void>): Promise<number> {
    let chain = Promise.resolve();
    return this.request(
      true,
      (job) => ({ type: "file", job, path }),
      (message, done, fail, job, worker) => {
        if (message.type !== "file") return;
        chain = chain.then(async () => {
          for (const p of message.pieces) await onPiece(filePiece(p, message.buffer));
          // The batch's bytes are stored: its buffer goes back to be read into again.
          if (message.done) {
            worker.returned.push(message.buffer);
            done(message.size);
          } else post(worker, { type: "credit", job, buffer: message.buffer }, [message.buffer]);
        });
        chain.catch((err: unknown) => {
          post(worker, { type: "cancel", job });
          fail(err instanceof Error ? err : new Error(String(err)));
        });
      },
    );
  }

  async close(): Promise<void> {
    this.failure ??= new Error("the backup read workers were closed");
    await Promise.all(this.workers.map((w) => w.thread.terminate()));
  }

  private request<T>(
    large: boolean,
    message: (job: number) => ToWorker,
    handle: (
      message: FromWorker,
      done: (value: T) => void,
      fail: (err: Error) => void,
      job: number,
      worker: PoolWorker,
    ) => void,
  ): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const worker = this.pick(large);
    const id = this.nextJob++;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (): boolean => {
        if (settled) return false;
        settled = true;
        this.jobs.delete(id);
        worker.jobs -= 1;
        if (large) worker.large -= 1;
        return true;
      };
      const fail = (err: Error): void => {
        if (finish()) reject(err);
      };
      const done = (value: T): void => {
        if (finish()) resolve(value);
      };
      this.jobs.set(id, {
        worker,
        large,
        fail,
        onMessage: (m) => (m.type === "error" ? fail(toError(m.error)) : handle(m, done, fail, id, worker)),
      });
      worker.jobs += 1;
      if (large) worker.large += 1;
      post(worker, message(id));
    });
  }

  private pick(large: boolean): PoolWorker {
    let best = this.workers[0]!;
    for (const w of this.workers) {
      if (large ? w.large < best.large || (w.large === best.large && w.jobs < best.jobs) : w.jobs < best.jobs)
        best = w;
    }
    return best;
  }

  private workerFailed(worker: PoolWorker, err: Error): void {
    this.failure ??= err;
    for (const job of [...this.jobs.values()]) if (job.worker === worker) job.fail(err);
  }
}

/** Sends a message, handing back the worker's buffers the main thread is done with. */
function post(worker: PoolWorker, message: ToWorker, transfer: ArrayBuffer[] = []): void {
  const recycled = worker.returned.splice(0);
  worker.thread.postMessage(recycled.length === 0 ? message : { ...message, recycled }, [
    ...transfer,
    ...recycled,
  ]);
}

function filePiece(piece: WirePiece, buffer: ArrayBuffer): FilePiece {
  if ("hole" in piece) return piece.hole;
  return { id: piece.id, data: new Uint8Array(buffer, piece.offset, piece.length) };
}
