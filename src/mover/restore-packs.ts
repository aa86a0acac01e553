import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import { FerryError, isFerryError } from "../core/errors.js";
import type { RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import { packKey } from "./pack.js";
import type { BlobLocation } from "./repo-index.js";
import { RestorePool, type PackDone } from "./workers/restore-pool.js";
import { META_FIELDS, type ChunkTarget, type FsJob, type PlannedBlob } from "./workers/restore-protocol.js";
import type { Meta } from "./apply-meta.js";

/** Where a blob is and every place its plaintext goes. */
export interface PlannedChunk {
  readonly at: BlobLocation;
  readonly targets: ChunkTarget[];
}

/** pack id → blob id → the blob's plan. */
export type PackPlan = Map<string, Map<string, PlannedChunk>>;

/** Worker threads that open, verify and write chunks (at most; one per core). */
const MAX_WORKERS = 2;
/** Files created, or given their metadata, per worker job. */
const FS_BATCH = 1024;

/** A file's (or symlink's) metadata, to set once its contents are written. */
export interface FileMeta {
  readonly path: string;
  readonly meta: Meta;
  readonly symlink: boolean;
}

export interface PackWriterOptions {
  readonly store: ObjectStore;
  readonly key: RepositoryKey | undefined;
  readonly signal?: AbortSignal | undefined;
  /** After each pack. */
  readonly onPack: (done: PackDone) => void;
}

/**
 * Fetches each planned pack once through the store (a few at a time) and hands it to a worker
 * thread, which opens, verifies and writes its chunks. The first failure stops the rest. The
 * workers serve every `write` of a restore (one per window of its tree) until `close`.
 */
export class PackWriter {
  private pool: RestorePool | undefined;
  private workers = 1;

  constructor(private readonly options: PackWriterOptions) {}

  /** Writes the chunks of `plan`, which is emptied as packs are done. */
  async write(plan: PackPlan): Promise<void> {
    const { signal } = this.options;
    if (plan.size === 0) return;
    const pool = this.poolFor(plan.size);
    const stop = (): void => pool.abort();
    signal?.addEventListener("abort", stop);
    // Packs in memory: one per worker and one more per worker fetched ahead, handed to the
    // first worker free (with one fetched ahead in all, the workers waited for packs ~20% of
    // the time).
    const limit = pLimit(2 * this.workers + 1);
    let failure: { error: unknown } | undefined;
    const one = async (packId: string, blobs: Map<string, PlannedChunk>): Promise<void> => {
      checkAborted(signal);
      const pack = await this.options.store.get(packKey(packId)).catch((cause: unknown) => {
        const first = blobs.values().next().value?.targets[0]?.rel ?? "?";
        if (isFerryError(cause, "NotFound")) {
          throw new FerryError("Integrity", `restoring ${first}: pack ${packId} is missing`, { cause });
        }
        throw cause;
      });
      checkAborted(signal);
      const planned: PlannedBlob[] = [...blobs].map(([id, { at, targets }]) => ({ id, at, targets }));
      const done = await pool.run(packId, pack, planned);
      plan.delete(packId);
      this.options.onPack(done);
    };
    try {
      await Promise.all(
        [...plan.entries()].map(([packId, blobs]) =>
          limit(async () => {
            if (failure !== undefined) return;
            await one(packId, blobs).catch((error: unknown) => {
              failure ??= { error };
              pool.abort();
            });
          }),
        ),
      );
    } finally {
      signal?.removeEventListener("abort", stop);
    }
    if (failure !== undefined) throw failure.error;
  }

  /**
   * Creates files of the given sizes (empty: holes until their chunks are written), in
   * batches spread over the workers. `packs`: how many packs their chunks need, so that the
   * workers started here suit the writes that follow.
   */
  async createFiles(
    files: readonly { readonly path: string; readonly size: number }[],
    packs: number,
  ): Promise<void> {
    await this.fsBatches(files.length, packs, (from, to) => ({
      kind: "create",
      paths: files.slice(from, to).map((f) => f.path),
      nums: Float64Array.from(files.slice(from, to), (f) => f.size),
      mtimes: [],
      asRoot: false,
    }));
  }

  /** Sets owners (as root), modes and times, in batches spread over the workers. */
  async applyMetas(metas: readonly FileMeta[], asRoot: boolean): Promise<void> {
    await this.fsBatches(metas.length, 0, (from, to) => {
      const nums = new Float64Array((to - from) * META_FIELDS);
      for (let i = from; i < to; i++) {
        const { meta, symlink } = metas[i]!;
        nums.set([meta.mode, meta.uid, meta.gid, symlink ? 1 : 0], (i - from) * META_FIELDS);
      }
      return {
        kind: "meta",
        paths: metas.slice(from, to).map((m) => m.path),
        nums,
        mtimes: metas.slice(from, to).map((m) => m.meta.mtime),
        asRoot,
      };
    });
  }

  private async fsBatches(
    count: number,
    packs: number,
    batch: (from: number, to: number) => Omit<FsJob, "job">,
  ): Promise<void> {
    if (count === 0) return;
    const pool = this.poolFor(Math.max(packs, Math.ceil(count / FS_BATCH)));
    const jobs: Promise<void>[] = [];
    for (let from = 0; from < count; from += FS_BATCH)
      jobs.push(pool.runFs(batch(from, Math.min(count, from + FS_BATCH))));
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r) => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }

  /** The worker pool, started on first use with up to one worker per core (no more than `jobs`). */
  private poolFor(jobs: number): RestorePool {
    if (this.pool === undefined) {
      this.workers = Math.max(1, Math.min(availableParallelism(), MAX_WORKERS, jobs));
      this.pool = new RestorePool(this.workers, this.options.key);
    }
    return this.pool;
  }

  /** Ends the worker threads. */
  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new FerryError("Aborted", "the restore was aborted");
}
