import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import { FerryError, isFerryError } from "../core/errors.js";
import type { RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import { packKey } from "./pack.js";
import type { BlobLocation } from "./repo-index.js";
import { RestorePool, type PackDone } from "./workers/restore-pool.js";
import type { ChunkTarget, PlannedBlob } from "./workers/restore-protocol.js";

/** Where a blob is and every place its plaintext goes. */
export interface PlannedChunk {
  readonly at: BlobLocation;
  readonly targets: ChunkTarget[];
}

/** pack id → blob id → the blob's plan. */
export type PackPlan = Map<string, Map<string, PlannedChunk>>;

/** Worker threads that open, verify and write chunks (at most; one per core). */
const MAX_WORKERS = 2;

export interface WritePacksOptions {
  readonly store: ObjectStore;
  readonly key: RepositoryKey | undefined;
  /** Emptied as packs are done. */
  readonly plan: PackPlan;
  readonly signal?: AbortSignal | undefined;
  /** After each pack. */
  readonly onPack: (done: PackDone) => void;
}

/**
 * Fetches each planned pack once through the store (a few at a time) and hands it to a worker
 * thread, which opens, verifies and writes its chunks. The first failure stops the rest; the
 * workers are gone when this returns or throws.
 */
export async function writePacks(options: WritePacksOptions): Promise<void> {
  const { plan, signal } = options;
  if (plan.size === 0) return;
  const workers = Math.max(1, Math.min(availableParallelism(), MAX_WORKERS, plan.size));
  const pool = new RestorePool(workers, options.key);
  const stop = (): void => pool.abort();
  signal?.addEventListener("abort", stop);
  // Packs in memory: one per worker and one fetched ahead, handed to the first worker free.
  const limit = pLimit(workers + 1);
  let failure: { error: unknown } | undefined;
  const one = async (packId: string, blobs: Map<string, PlannedChunk>): Promise<void> => {
    checkAborted(signal);
    const pack = await options.store.get(packKey(packId)).catch((cause: unknown) => {
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
    options.onPack(done);
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
    await pool.close();
  }
  if (failure !== undefined) throw failure.error;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new FerryError("Aborted", "the restore was aborted");
}
