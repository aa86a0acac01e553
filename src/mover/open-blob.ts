import { FerryError, isFerryError } from "../core/errors.js";
import { sha256Hex, type RepositoryKey } from "../repository/crypto.js";
import { decodeBlob } from "./blob-codec.js";
import type { BlobLocation } from "./repo-index.js";

/**
 * Extracts a blob from its pack's bytes, opens and inflates it and verifies its SHA-256 (and
 * length); anything wrong is an Integrity error naming `what`, the chunk and the pack. Used by
 * restore's workers and by the repository (trees, recovery, repack).
 */
export function openBlobSync(
  pack: Uint8Array,
  at: BlobLocation,
  id: string,
  what: string,
  key: RepositoryKey | undefined,
): Uint8Array {
  if (at.offset + at.length > pack.byteLength) {
    throw new FerryError("Integrity", `${what}: pack ${at.pack} is shorter than its index says`, {
      data: { pack: at.pack, blob: id },
    });
  }
  let plain: Uint8Array;
  try {
    plain = decodeBlob(pack.subarray(at.offset, at.offset + at.length), {
      compression: at.compression,
      key,
      rawLength: at.rawLength,
    });
  } catch (cause) {
    const why = isFerryError(cause) ? cause.message : "it cannot be decoded";
    throw new FerryError("Integrity", `${what}: chunk ${id} in pack ${at.pack} is corrupt (${why})`, {
      data: { pack: at.pack, blob: id },
      cause,
    });
  }
  const actual = sha256Hex(plain);
  if (actual !== id || plain.byteLength !== at.rawLength) {
    throw new FerryError("Integrity", `${what}: chunk ${id} in pack ${at.pack} does not match its hash`, {
      data: { pack: at.pack, blob: id, actual },
    });
  }
  return plain;
}
