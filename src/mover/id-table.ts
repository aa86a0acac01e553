import { FerryError } from "../core/errors.js";

const ID_BYTES = 32;

/**
 * A set of blob ids (hex SHA-256) that numbers them in insertion order ("slots"), for columns
 * kept beside it. Each id is stored as its 32 bytes in one growing buffer, found through an
 * open-addressing table of slot numbers: about 50 bytes per id and no object at all, where a
 * Map keyed by hex strings costs ~190 bytes and two garbage-collected objects per id. A
 * repository's index is what a backup holds for its whole run, and repositories of millions
 * of chunks are common.
 */
export class IdTable {
  private bytes = new Uint8Array(1024 * ID_BYTES);
  /** Slot + 1 per bucket; 0 is empty. */
  private buckets = new Int32Array(2048);
  private size = 0;

  get count(): number {
    return this.size;
  }

  /** Slots the table holds before it grows (columns beside it grow with it). */
  get capacity(): number {
    return this.bytes.length / ID_BYTES;
  }

  /** The slot of `id`; -1 when it is absent or not 64 lowercase hex digits. */
  find(id: string): number {
    const hash = hashOf(id);
    if (hash < 0) return -1;
    const mask = this.buckets.length - 1;
    for (let b = hash & mask; ; b = (b + 1) & mask) {
      const slot = this.buckets[b]! - 1;
      if (slot < 0) return -1;
      if (this.matches(slot, id)) return slot;
    }
  }

  /** Adds an id that is not in the table and returns its slot. */
  add(id: string): number {
    if (hashOf(id) < 0 || !/^[0-9a-f]{64}$/.test(id)) {
      throw new FerryError("Integrity", `"${id.slice(0, 80)}" is not a blob id (64 hex digits)`);
    }
    if (this.size === this.capacity) this.growBytes();
    if (2 * (this.size + 1) > this.buckets.length) this.rehash(this.buckets.length * 2);
    const slot = this.size++;
    Buffer.from(this.bytes.buffer, this.bytes.byteOffset + slot * ID_BYTES, ID_BYTES).write(id, "hex");
    this.place(slot);
    return slot;
  }

  /** The hex id in `slot`. */
  idAt(slot: number): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + slot * ID_BYTES, ID_BYTES).toString("hex");
  }

  private matches(slot: number, id: string): boolean {
    const at = slot * ID_BYTES;
    for (let i = 0; i < ID_BYTES; i++) {
      const hi = hexValue(id.charCodeAt(2 * i));
      const lo = hexValue(id.charCodeAt(2 * i + 1));
      if (hi < 0 || lo < 0 || ((hi << 4) | lo) !== this.bytes[at + i]) return false;
    }
    return true;
  }

  private place(slot: number): void {
    const at = slot * ID_BYTES;
    const b0 = this.bytes[at]!;
    const hash =
      ((b0 << 24) | (this.bytes[at + 1]! << 16) | (this.bytes[at + 2]! << 8) | this.bytes[at + 3]!) >>> 0;
    const mask = this.buckets.length - 1;
    let b = hash & mask;
    while (this.buckets[b] !== 0) b = (b + 1) & mask;
    this.buckets[b] = slot + 1;
  }

  private growBytes(): void {
    const grown = new Uint8Array(this.bytes.length * 2);
    grown.set(this.bytes);
    this.bytes = grown;
  }

  private rehash(buckets: number): void {
    this.buckets = new Int32Array(buckets);
    for (let slot = 0; slot < this.size; slot++) this.place(slot);
  }
}

/** The id's first four bytes as an unsigned number (SHA-256 output is uniform); -1 when not a 64-digit id. */
function hashOf(id: string): number {
  if (id.length !== 2 * ID_BYTES) return -1;
  let hash = 0;
  for (let i = 0; i < 8; i++) {
    const v = hexValue(id.charCodeAt(i));
    if (v < 0) return -1;
    hash = hash * 16 + v;
  }
  return hash;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}
