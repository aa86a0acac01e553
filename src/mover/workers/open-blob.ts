import { createHash } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { FerryError, isFerryError } from "../../core/errors.js";
import { open, type RepositoryKey } from "../../repository/crypto.js";
import { StoredCompression } from "../blob-codec.js";
import type { BlobLocation } from "../repo-index.js";

/**
 * `MoverRepository.blobFromPack` for a worker thread, synchronously: extracts a blob from its
 * pack's bytes, opens and inflates it and verifies its SHA-256, with the same Integrity errors.
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
    plain = decode(pack.subarray(at.offset, at.offset + at.length), at, key);
  } catch (cause) {
    const why = isFerryError(cause) ? cause.message : "it cannot be decoded";
    throw new FerryError("Integrity", `${what}: chunk ${id} in pack ${at.pack} is corrupt (${why})`, {
      data: { pack: at.pack, blob: id },
      cause,
    });
  }
  const actual = createHash("sha256").update(plain).digest("hex");
  if (actual !== id || plain.byteLength !== at.rawLength) {
    throw new FerryError("Integrity", `${what}: chunk ${id} in pack ${at.pack} does not match its hash`, {
      data: { pack: at.pack, blob: id, actual },
    });
  }
  return plain;
}

/** blob-codec's `decodeBlob`, synchronously (a worker may block). */
function decode(stored: Uint8Array, at: BlobLocation, key: RepositoryKey | undefined): Uint8Array {
  const body = key === undefined ? stored : open(key, stored);
  if (at.compression === StoredCompression.None) return body;
  if (at.compression !== StoredCompression.Deflate) {
    throw new FerryError("Integrity", `unknown blob compression ${String(at.compression)}`);
  }
  try {
    // A blob never inflates past its recorded length; a damaged one must not fill the memory.
    return inflateRawSync(body, { maxOutputLength: Math.max(1, at.rawLength) });
  } catch (cause) {
    throw new FerryError("Integrity", "a compressed blob does not inflate", { cause });
  }
}
