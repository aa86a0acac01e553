import { StoredCompression } from "./blob-codec.js";
import { packKey, type PackedBlob } from "./pack.js";
import { PackSession } from "./pack-session.js";
import type { IndexedPack } from "./repo-index.js";
import type { MoverRepository } from "./repository.js";

export interface RepackOptions {
  /** Reads the old packs. */
  readonly from: MoverRepository;
  /** Writes the new packs; its index must not know the blobs being copied (see unindexed-view.ts). */
  readonly to: MoverRepository;
  readonly items: readonly { readonly pack: IndexedPack; readonly copy: readonly PackedBlob[] }[];
  readonly packSize?: number;
  readonly signal?: AbortSignal | undefined;
  /** Called before each old pack is read (the prune checks its lock there). */
  readonly beforePack?: () => void;
}

export interface RepackResult {
  readonly packs: number;
  readonly blobs: number;
  /** New packs and the index files the sessions wrote. */
  readonly bytesWritten: number;
}

/**
 * Copies the listed blobs of each pack into new packs, one old pack in memory at a time.
 * Every blob is opened and checked against its id (`blobFromPack`) before it is copied, so a
 * damaged blob stops the prune instead of being carried on. Blobs keep their compression
 * mode: compressed ones go through a `deflate` session, the rest through an `off` one. The
 * sessions write index files for the new packs (checkpoints and a final one), so new packs
 * are indexed before the caller deletes anything.
 */
export async function repackBlobs(options: RepackOptions): Promise<RepackResult> {
  const common = {
    repo: options.to,
    signal: options.signal,
    ...(options.packSize === undefined ? {} : { packSize: options.packSize }),
  };
  const sessions = {
    plain: new PackSession({ ...common, compression: "off" }),
    deflate: new PackSession({ ...common, compression: "deflate" }),
  };
  let blobs = 0;
  try {
    for (const { pack, copy } of options.items) {
      options.beforePack?.();
      const bytes = await options.from.store.get(packKey(pack.id));
      for (const blob of copy) {
        const plain = await options.from.blobFromPack(bytes, { pack: pack.id, ...blob }, blob.id, "repack");
        const session = blob.compression === StoredCompression.Deflate ? sessions.deflate : sessions.plain;
        await session.add(blob.type, blob.id, plain);
        blobs += 1;
      }
    }
    await sessions.plain.flush();
    await sessions.deflate.flush();
  } catch (e) {
    await Promise.all([sessions.plain.settle(), sessions.deflate.settle()]);
    throw e;
  }
  return {
    packs: sessions.plain.stats.packs + sessions.deflate.stats.packs,
    blobs,
    bytesWritten: sessions.plain.stats.bytesUploaded + sessions.deflate.stats.bytesUploaded,
  };
}
