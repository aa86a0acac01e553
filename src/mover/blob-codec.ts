import { promisify } from "node:util";
import { deflateRaw, deflateRawSync, inflateRawSync } from "node:zlib";
import { FerryError } from "../core/errors.js";
import { open, sealParts, type RepositoryKey } from "../repository/crypto.js";

const deflateRawAsync = promisify(deflateRaw);

/** How blobs are compressed before they are sealed. */
export type Compression = "off" | "deflate";

/** The compression a stored blob actually has (`deflate` mode stores incompressible blobs raw). */
export const StoredCompression = { None: 0, Deflate: 1 } as const;
export type StoredCompression = (typeof StoredCompression)[keyof typeof StoredCompression];

export interface EncodedBlob {
  /** The stored bytes, in pieces to be written one after the other. */
  readonly parts: readonly Uint8Array[];
  /** Their total length. */
  readonly length: number;
  readonly compression: StoredCompression;
  /**
   * The parts were allocated by the encoding (cipher or deflate output), not views of the
   * caller's data: whoever copies them may free them at once (see workers/release.ts).
   */
  readonly owned?: boolean;
}

export interface EncodeOptions {
  readonly compression: Compression;
  readonly key: RepositoryKey | undefined;
}

/**
 * Turns a blob's plaintext into its stored form: compressed (deflate level 1 on the thread
 * pool, kept only when it saves at least 1/16) and then sealed when a key is configured.
 */
export async function encodeBlob(plain: Uint8Array, options: EncodeOptions): Promise<EncodedBlob> {
  const packed =
    options.compression === "deflate" && plain.byteLength >= 64
      ? await deflateRawAsync(plain, { level: 1 })
      : undefined;
  return sealed(plain, packed, options);
}

/** `encodeBlob` on the calling thread (for worker threads, where blocking costs nothing). */
export function encodeBlobSync(plain: Uint8Array, options: EncodeOptions): EncodedBlob {
  const packed =
    options.compression === "deflate" && plain.byteLength >= 64
      ? deflateRawSync(plain, { level: 1 })
      : undefined;
  return sealed(plain, packed, options);
}

function sealed(plain: Uint8Array, packed: Uint8Array | undefined, options: EncodeOptions): EncodedBlob {
  const useful = packed !== undefined && packed.byteLength <= plain.byteLength - (plain.byteLength >> 4);
  const body = useful ? packed : plain;
  const compression = useful ? StoredCompression.Deflate : StoredCompression.None;
  // Sealed on the calling thread: WebCrypto on the thread pool copies every blob in and out,
  // and with four pool threads the allocator's per-thread arenas cost ~30 MiB of RSS; AES-GCM
  // (AES-NI) is several times faster than the disk and network the mover feeds.
  const parts = options.key === undefined ? [body] : sealParts(options.key, body);
  const owned = options.key !== undefined || useful;
  return { parts, length: parts.reduce((n, p) => n + p.byteLength, 0), compression, owned };
}

/**
 * The inverse of `encodeBlob`, synchronously (blobs are at most a chunk: restore's workers and
 * tree reads alike). A blob never inflates past `rawLength` when given, so a damaged one cannot
 * fill the memory. Authentication and inflation failures are Integrity errors.
 */
export function decodeBlob(
  stored: Uint8Array,
  options: {
    readonly compression: StoredCompression;
    readonly key: RepositoryKey | undefined;
    readonly rawLength?: number;
  },
): Uint8Array {
  const body = options.key === undefined ? stored : open(options.key, stored);
  if (options.compression === StoredCompression.None) return body;
  if (options.compression !== StoredCompression.Deflate) {
    throw new FerryError("Integrity", `unknown blob compression ${String(options.compression)}`);
  }
  try {
    return inflateRawSync(
      body,
      options.rawLength === undefined ? {} : { maxOutputLength: Math.max(1, options.rawLength) },
    );
  } catch (cause) {
    throw new FerryError("Integrity", "a compressed blob does not inflate", { cause });
  }
}
