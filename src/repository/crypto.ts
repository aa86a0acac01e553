import * as nodeCrypto from "node:crypto";
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { FerryError } from "../core/errors.js";

/**
 * AES-256-GCM sealing of repository objects. A sealed object is
 * `magic(4) | nonce(12) | ciphertext | tag(16)`; the key is derived from the user's secret
 * with HKDF-SHA256 and a purpose label, so the same secret never keys two purposes.
 */
const MAGIC = Buffer.from("FRY1");
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface RepositoryKey {
  /** 32 bytes. */
  readonly key: Uint8Array;
}

/** Derives the repository key from a secret (e.g. the value of FERRY_REPOSITORY_KEY). */
export function deriveKey(secret: string | Uint8Array, purpose = "ferry repository v1"): RepositoryKey {
  const ikm = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  if (ikm.length === 0) throw new FerryError("Invalid", "the repository encryption key is empty");
  return { key: new Uint8Array(hkdfSync("sha256", ikm, Buffer.alloc(0), purpose, 32)) };
}

export function seal(key: RepositoryKey, plaintext: Uint8Array): Uint8Array {
  return Buffer.concat(sealParts(key, plaintext));
}

/**
 * `seal` as the pieces of the sealed object, in order (magic and nonce, ciphertext, tag), for
 * a caller that copies them into a larger buffer anyway: saves concatenating them first.
 */
export function sealParts(key: RepositoryKey, plaintext: Uint8Array): Uint8Array[] {
  const head = Buffer.allocUnsafe(MAGIC.length + NONCE_BYTES);
  MAGIC.copy(head, 0);
  const nonce = nextNonce();
  nonce.copy(head, MAGIC.length);
  const cipher = createCipheriv("aes-256-gcm", key.key, nonce);
  const body = cipher.update(plaintext);
  const final = cipher.final(); // empty for GCM, kept for form
  return final.length === 0 ? [head, body, cipher.getAuthTag()] : [head, body, final, cipher.getAuthTag()];
}

/**
 * Random nonces, drawn from the CSPRNG in blocks: one `randomBytes` call per nonce costs more
 * than sealing a small file's chunk. Each nonce is used once (96 random bits, as GCM expects).
 */
const NONCE_BLOCK = 4096;
let nonces = Buffer.alloc(0);
let nonceAt = 0;
function nextNonce(): Buffer {
  if (nonceAt + NONCE_BYTES > nonces.length) {
    nonces = randomBytes(NONCE_BYTES * NONCE_BLOCK);
    nonceAt = 0;
  }
  const nonce = nonces.subarray(nonceAt, nonceAt + NONCE_BYTES);
  nonceAt += NONCE_BYTES;
  return nonce;
}

export function open(key: RepositoryKey, sealed: Uint8Array): Uint8Array {
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (buf.length < MAGIC.length + NONCE_BYTES + TAG_BYTES || !buf.subarray(0, 4).equals(MAGIC)) {
    throw new FerryError("Integrity", "object is not encrypted with a Ferry repository key");
  }
  const nonce = buf.subarray(4, 4 + NONCE_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key.key, nonce);
  decipher.setAuthTag(tag);
  try {
    const body = decipher.update(buf.subarray(4 + NONCE_BYTES, buf.length - TAG_BYTES));
    const final = decipher.final(); // GCM yields nothing more: no copy of the body then
    return final.length === 0 ? body : Buffer.concat([body, final]);
  } catch (cause) {
    throw new FerryError("Integrity", "object failed authentication: wrong key or corrupted data", { cause });
  }
}

export function isSealed(data: Uint8Array): boolean {
  return data.length >= 4 && Buffer.from(data.buffer, data.byteOffset, 4).equals(MAGIC);
}

/**
 * Hex SHA-256 of `data`: the content address of repository objects. `crypto.hash` (Node
 * 20.12+) hashes in one call without a Hash object, twice as fast for a small file's chunk.
 */
export const sha256Hex: (data: Uint8Array) => string =
  oneShot() ?? ((data) => createHash("sha256").update(data).digest("hex"));

function oneShot(): ((data: Uint8Array) => string) | undefined {
  // A namespace lookup, not a named import: Node 20 before 20.12 has no `hash` to link.
  const { hash } = nodeCrypto as Partial<typeof nodeCrypto>;
  return typeof hash === "function" ? (data) => hash("sha256", data, "hex") : undefined;
}
