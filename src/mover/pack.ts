import { FerryError } from "../core/errors.js";
import { open, seal, sha256Hex, type RepositoryKey } from "../repository/crypto.js";
import type { StoredCompression } from "./blob-codec.js";

/** What a blob holds: file data or a directory tree. */
export const BlobType = { Data: 0, Tree: 1 } as const;
export type BlobType = (typeof BlobType)[keyof typeof BlobType];

/** One blob inside a pack, as the pack header and the index describe it. */
export interface PackedBlob {
  /** Hex SHA-256 of the blob's plaintext. */
  readonly id: string;
  readonly type: BlobType;
  readonly compression: StoredCompression;
  /** Offset of the stored (compressed, sealed) bytes in the pack. */
  readonly offset: number;
  readonly length: number;
  /** Length of the plaintext. */
  readonly rawLength: number;
}

/**
 * A pack is `blob… | header | headerLength (u32 LE) | "FPK1"`. The header repeats the
 * index entries of the pack's blobs (42 bytes each: type u8, compression u8, length u32,
 * raw length u32, id 32 bytes; offsets follow from the lengths), sealed when the repository
 * is encrypted. A pack carries its own index, so packs uploaded by a run that was killed
 * before it wrote its index can be found and reused.
 */
const TRAILER_MAGIC = Buffer.from("FPK1");
const ENTRY_BYTES = 42;

/** Builds the header and trailer that follow the blobs of a pack. */
export function packTrailer(blobs: readonly PackedBlob[], key: RepositoryKey | undefined): Uint8Array {
  const plain = Buffer.alloc(blobs.length * ENTRY_BYTES);
  blobs.forEach((blob, i) => {
    const at = i * ENTRY_BYTES;
    plain.writeUInt8(blob.type, at);
    plain.writeUInt8(blob.compression, at + 1);
    plain.writeUInt32LE(blob.length, at + 2);
    plain.writeUInt32LE(blob.rawLength, at + 6);
    plain.write(blob.id, at + 10, "hex");
  });
  const header = key === undefined ? plain : seal(key, plain);
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(header.byteLength, 0);
  TRAILER_MAGIC.copy(tail, 4);
  return Buffer.concat([header, tail]);
}

/**
 * A pack's id (its object name): the SHA-256 of its trailer. The trailer lists every blob's id
 * (the hash of its plaintext) and length, and when sealed carries a fresh nonce, so two packs
 * share an id only when they are the same bytes; naming a pack costs no second pass over it.
 */
export function packId(trailer: Uint8Array): string {
  return sha256Hex(trailer);
}

/** The trailer (header and tail) at the end of a pack's bytes, or undefined when it has none. */
export function trailerOf(pack: Uint8Array): Uint8Array | undefined {
  const buf = Buffer.from(pack.buffer, pack.byteOffset, pack.byteLength);
  if (buf.length < 8 || !buf.subarray(buf.length - 4).equals(TRAILER_MAGIC)) return undefined;
  const headerLength = buf.readUInt32LE(buf.length - 8);
  if (headerLength > buf.length - 8) return undefined;
  return buf.subarray(buf.length - 8 - headerLength);
}

/** Reads the blob entries of a pack from its header; a malformed pack is an Integrity error. */
export function readPackHeader(pack: Uint8Array, key: RepositoryKey | undefined, name: string): PackedBlob[] {
  const buf = Buffer.from(pack.buffer, pack.byteOffset, pack.byteLength);
  const bad = (why: string): FerryError =>
    new FerryError("Integrity", `pack ${name} is damaged: ${why}`, { data: { pack: name } });
  if (buf.length < 8 || !buf.subarray(buf.length - 4).equals(TRAILER_MAGIC)) throw bad("no pack trailer");
  const headerLength = buf.readUInt32LE(buf.length - 8);
  if (headerLength > buf.length - 8) throw bad("header length out of range");
  const headerStart = buf.length - 8 - headerLength;
  const sealed = buf.subarray(headerStart, buf.length - 8);
  let header: Buffer;
  try {
    header = Buffer.from(key === undefined ? sealed : open(key, sealed));
  } catch (cause) {
    throw new FerryError("Integrity", `pack ${name} header failed authentication`, {
      data: { pack: name },
      cause,
    });
  }
  if (header.length % ENTRY_BYTES !== 0) throw bad("header size is not a whole number of entries");
  const blobs: PackedBlob[] = [];
  let offset = 0;
  for (let at = 0; at < header.length; at += ENTRY_BYTES) {
    const length = header.readUInt32LE(at + 2);
    blobs.push({
      type: header.readUInt8(at) as BlobType,
      compression: header.readUInt8(at + 1) as StoredCompression,
      length,
      rawLength: header.readUInt32LE(at + 6),
      id: header.toString("hex", at + 10, at + ENTRY_BYTES),
      offset,
    });
    offset += length;
  }
  if (offset !== headerStart) throw bad("blob lengths do not add up to the header offset");
  return blobs;
}

/** Object key of a pack: fanned out by the first two hex digits like git's objects. */
export function packKey(packId: string): string {
  return `packs/${packId.slice(0, 2)}/${packId}`;
}

/** The pack id of a `packs/` key, or undefined for anything else. */
export function packIdOfKey(key: string): string | undefined {
  const match = /^packs\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(key);
  return match?.[1];
}
