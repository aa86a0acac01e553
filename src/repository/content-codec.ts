import { promisify } from "node:util";
import { deflateRaw, gunzip, gzip, inflateRaw } from "node:zlib";
import { FerryError } from "../core/errors.js";
import { isSealed, open, seal, type RepositoryKey } from "./crypto.js";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const deflateAsync = promisify(deflateRaw);
const inflateAsync = promisify(inflateRaw);

/** How a content object's body is compressed before it is (optionally) sealed. */
export type Compression = "none" | "gzip" | "deflate";

const CODES: Readonly<Record<Compression, number>> = { none: 0, gzip: 1, deflate: 2 };
const BY_CODE: readonly Compression[] = ["none", "gzip", "deflate"];

/**
 * A content object's plaintext envelope is `FCO1 | compression(1) | body`. The header sits
 * inside the seal, so the compression flag is authenticated along with the data.
 */
const MAGIC = Buffer.from("FCO1");
const HEADER_BYTES = MAGIC.length + 1;

/** Compresses and seals `plain` into the bytes stored for a content object. */
export async function encodeContent(
  plain: Uint8Array,
  options: { readonly compression: Compression; readonly key: RepositoryKey | undefined },
): Promise<Uint8Array> {
  let body: Uint8Array = plain;
  let compression = options.compression;
  if (compression === "gzip") body = await gzipAsync(plain);
  else if (compression === "deflate") body = await deflateAsync(plain);
  // Incompressible data is stored as is rather than grown.
  if (compression !== "none" && body.byteLength >= plain.byteLength) {
    body = plain;
    compression = "none";
  }
  const envelope = Buffer.concat([MAGIC, Buffer.of(CODES[compression]), body]);
  return options.key === undefined ? envelope : seal(options.key, envelope);
}

/**
 * The inverse of `encodeContent`. Refuses a sealed object without a key and a plain
 * object when a key is configured: an attacker must not be able to swap in unsealed data.
 */
export async function decodeContent(
  stored: Uint8Array,
  options: { readonly key: RepositoryKey | undefined; readonly what: string },
): Promise<Uint8Array> {
  const sealed = isSealed(stored);
  if (sealed && options.key === undefined) {
    throw new FerryError("Invalid", `${options.what} is encrypted, but no repository key is configured`);
  }
  if (!sealed && options.key !== undefined) {
    throw new FerryError("Integrity", `${options.what} is not encrypted, but the repository is`);
  }
  let envelope: Uint8Array;
  try {
    envelope = options.key === undefined ? stored : open(options.key, stored);
  } catch (cause) {
    throw new FerryError("Integrity", `${options.what} failed authentication: wrong key or corrupted data`, {
      cause,
    });
  }
  const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  if (buf.length < HEADER_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new FerryError("Integrity", `${options.what} is not a Ferry content object`);
  }
  const compression = BY_CODE[buf[MAGIC.length] ?? 255];
  const body = buf.subarray(HEADER_BYTES);
  try {
    if (compression === "none") return body;
    if (compression === "gzip") return await gunzipAsync(body);
    if (compression === "deflate") return await inflateAsync(body);
  } catch (cause) {
    throw new FerryError("Integrity", `${options.what} does not decompress`, { cause });
  }
  throw new FerryError(
    "Integrity",
    `${options.what} has an unknown compression code ${String(buf[MAGIC.length])}`,
  );
}
