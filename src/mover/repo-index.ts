import { FerryError } from "../core/errors.js";
import type { StoredCompression } from "./blob-codec.js";
import { IdTable } from "./id-table.js";
import type { BlobType, PackedBlob } from "./pack.js";

/** Where a blob lives: its pack and its place in it. */
export interface BlobLocation {
  readonly pack: string;
  readonly type: BlobType;
  readonly compression: StoredCompression;
  readonly offset: number;
  readonly length: number;
  readonly rawLength: number;
}

/** The packs one index file describes. */
export interface IndexedPack {
  readonly id: string;
  readonly blobs: readonly PackedBlob[];
}

/** Serialised form of an index file (before sealing). */
export interface IndexFile {
  readonly version: 1;
  /** Per pack: blob rows `[id, type, compression, offset, length, rawLength]`. */
  readonly packs: readonly {
    readonly id: string;
    readonly blobs: readonly (readonly [string, number, number, number, number, number])[];
  }[];
}

/** Per slot: pack ordinal, offset, length, raw length, type | compression << 4. */
const ROW = 5;

/**
 * The in-memory index of a repository: blob id → pack location, merged from every index
 * file (and from the headers of packs no index names yet). Ids live in an IdTable and
 * locations in one typed array beside it: about 70 bytes per blob, none of them objects the
 * garbage collector walks (a Map of location objects took ~190 bytes and two objects per
 * blob, and was most of a large backup's heap).
 */
export class RepoIndex {
  private readonly ids = new IdTable();
  private rows = new Uint32Array(this.ids.capacity * ROW);
  private readonly packIds: string[] = [];
  private readonly packs = new Set<string>();

  has(id: string): boolean {
    return this.ids.find(id) >= 0;
  }

  get(id: string): BlobLocation | undefined {
    const slot = this.ids.find(id);
    if (slot < 0) return undefined;
    const at = slot * ROW;
    const kind = this.rows[at + 4]!;
    return {
      pack: this.packIds[this.rows[at]!]!,
      type: (kind & 15) as BlobType,
      compression: (kind >> 4) as StoredCompression,
      offset: this.rows[at + 1]!,
      length: this.rows[at + 2]!,
      rawLength: this.rows[at + 3]!,
    };
  }

  hasPack(id: string): boolean {
    return this.packs.has(id);
  }

  get blobCount(): number {
    return this.ids.count;
  }

  addPack(pack: IndexedPack): void {
    if (this.packs.has(pack.id)) return;
    this.packs.add(pack.id);
    const ordinal = this.packIds.push(pack.id) - 1;
    for (const b of pack.blobs) {
      if (this.ids.find(b.id) >= 0) continue; // a duplicate copy in another pack: keep the first
      if (b.offset > 0xffffffff || b.length > 0xffffffff || b.rawLength > 0xffffffff) {
        throw new FerryError("Integrity", `pack ${pack.id} places blob ${b.id} beyond 4 GiB`);
      }
      const slot = this.ids.add(b.id);
      if (this.rows.length < this.ids.capacity * ROW) {
        const grown = new Uint32Array(this.ids.capacity * ROW);
        grown.set(this.rows);
        this.rows = grown;
      }
      const at = slot * ROW;
      this.rows[at] = ordinal;
      this.rows[at + 1] = b.offset;
      this.rows[at + 2] = b.length;
      this.rows[at + 3] = b.rawLength;
      this.rows[at + 4] = b.type | (b.compression << 4);
    }
  }
}

/** The file form of the given packs. */
export function toIndexFile(packs: readonly IndexedPack[]): IndexFile {
  return {
    version: 1,
    packs: packs.map((p) => ({
      id: p.id,
      blobs: p.blobs.map((b) => [b.id, b.type, b.compression, b.offset, b.length, b.rawLength] as const),
    })),
  };
}

/** Parses an index file's packs; returns undefined when the shape is not an index. */
export function fromIndexFile(value: unknown): IndexedPack[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const file = value as { version?: unknown; packs?: unknown };
  if (file.version !== 1 || !Array.isArray(file.packs)) return undefined;
  const out: IndexedPack[] = [];
  for (const p of file.packs as unknown[]) {
    const pack = p as { id?: unknown; blobs?: unknown } | null;
    if (pack === null || typeof pack.id !== "string" || !Array.isArray(pack.blobs)) return undefined;
    const blobs: PackedBlob[] = [];
    for (const row of pack.blobs as unknown[]) {
      if (!Array.isArray(row) || row.length !== 6) return undefined;
      const [id, type, compression, offset, length, rawLength] = row as unknown[];
      if (typeof id !== "string" || !BLOB_ID.test(id) || !isUint(type) || !isUint(compression))
        return undefined;
      if (!isUint(offset) || !isUint(length) || !isUint(rawLength)) return undefined;
      blobs.push({
        id,
        type: type as BlobType,
        compression: compression as StoredCompression,
        offset,
        length,
        rawLength,
      });
    }
    out.push({ id: pack.id, blobs });
  }
  return out;
}

const BLOB_ID = /^[0-9a-f]{64}$/;

function isUint(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}
