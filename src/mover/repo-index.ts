import type { StoredCompression } from "./blob-codec.js";
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

/**
 * The in-memory index of a repository: blob id → pack location, merged from every index
 * file (and from the headers of packs no index names yet). A few hundred bytes per blob:
 * about 1 MB per GiB of data at the 1 MiB average chunk size.
 */
export class RepoIndex {
  private readonly blobs = new Map<string, BlobLocation>();
  private readonly packs = new Set<string>();

  has(id: string): boolean {
    return this.blobs.has(id);
  }

  get(id: string): BlobLocation | undefined {
    return this.blobs.get(id);
  }

  hasPack(id: string): boolean {
    return this.packs.has(id);
  }

  get blobCount(): number {
    return this.blobs.size;
  }

  addPack(pack: IndexedPack): void {
    this.packs.add(pack.id);
    for (const b of pack.blobs) {
      if (this.blobs.has(b.id)) continue; // a duplicate copy in another pack: keep the first
      this.blobs.set(b.id, {
        pack: pack.id,
        type: b.type,
        compression: b.compression,
        offset: b.offset,
        length: b.length,
        rawLength: b.rawLength,
      });
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
      if (typeof id !== "string" || !isUint(type) || !isUint(compression)) return undefined;
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

function isUint(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}
