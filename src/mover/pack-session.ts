import { FerryError } from "../core/errors.js";
import { encodeBlob, type Compression, type EncodedBlob, type StoredCompression } from "./blob-codec.js";
import { BlobType, packId, packKey, packTrailer, type PackedBlob } from "./pack.js";
import { PackBuffer } from "./pack-buffer.js";
import { release } from "./workers/release.js";
import type { IndexedPack } from "./repo-index.js";
import type { MoverRepository } from "./repository.js";

export interface PackSessionOptions {
  readonly repo: MoverRepository;
  readonly compression: Compression;
  /** A pack is closed and uploaded once its blobs reach this many bytes (default 4 MiB). */
  readonly packSize?: number;
  /** Packs being uploaded at once; adding blobs waits while this many are in flight (default 2). */
  readonly maxUploads?: number;
  /** An index checkpoint is written after this many uploaded packs (default 8). */
  readonly checkpointEvery?: number;
  readonly signal?: AbortSignal | undefined;
}

/** What a session stored. */
export interface PackSessionStats {
  blobsNew: number;
  blobBytesNew: number;
  packs: number;
  bytesUploaded: number;
}

/**
 * 4 MiB: large enough that a GiB is ~260 objects (few requests to object storage), small
 * enough that the packs being filled, uploaded and recycled (four or five) stay a small part
 * of the mover's memory: 8 MiB packs cost ~15–30 MiB more peak RSS in the benchmark, and
 * were no faster, on tmpfs or on disk.
 */
export const DEFAULT_PACK_SIZE = 4 * 1024 * 1024;

/** Trailer bytes besides the 42-byte entries: length, magic and the seal's nonce, tag and magic. */
const TRAILER_RESERVE = 8 + 32;

interface OpenPack {
  readonly buffer: PackBuffer;
  readonly blobs: PackedBlob[];
}

/**
 * Collects new blobs into packs (data and trees in separate packs, so loading trees does
 * not fetch file data), uploads full packs with bounded concurrency and back-pressure, and
 * writes index checkpoints. A blob the repository or this session already holds is never
 * stored again.
 */
export class PackSession {
  readonly stats: PackSessionStats = { blobsNew: 0, blobBytesNew: 0, packs: 0, bytesUploaded: 0 };
  private readonly pending = new Set<string>();
  private readonly open = new Map<BlobType, OpenPack>();
  private readonly uploads = new Set<Promise<void>>();
  private readonly spare: PackBuffer[] = [];
  private uploaded: IndexedPack[] = [];
  private uploadedBlobs = 0;
  private indexWrites: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly packSize: number;
  private readonly maxUploads: number;
  private readonly checkpointEvery: number;

  constructor(private readonly options: PackSessionOptions) {
    this.packSize = options.packSize ?? DEFAULT_PACK_SIZE;
    this.maxUploads = options.maxUploads ?? 2;
    this.checkpointEvery = options.checkpointEvery ?? 8;
  }

  /** Whether the repository or this session holds blob `id`. */
  has(id: string): boolean {
    return this.pending.has(id) || this.options.repo.index.has(id);
  }

  /**
   * Stores blob `id` (the hex SHA-256 of `plain`) unless it is known; resolves once the blob
   * is in a pack, and waits while too many packs are being uploaded. True when it was new.
   */
  async add(type: BlobType, id: string, plain: Uint8Array): Promise<boolean> {
    this.check();
    if (this.has(id)) return false;
    this.pending.add(id);
    const encoded = await encodeBlob(plain, {
      compression: this.options.compression,
      key: this.options.repo.key,
    });
    return this.place(type, id, plain.byteLength, encoded);
  }

  /** Whether as many packs are uploading as may: adding blobs should wait for `drain()`. */
  get congested(): boolean {
    return this.uploads.size >= this.maxUploads;
  }

  /** Waits until fewer packs than the limit are uploading. */
  async drain(): Promise<void> {
    while (this.uploads.size >= this.maxUploads) await Promise.race(this.uploads);
    this.check();
  }

  private async place(type: BlobType, id: string, rawLength: number, encoded: EncodedBlob): Promise<boolean> {
    this.check();
    this.put(type, id, rawLength, encoded);
    await this.drain();
    return true;
  }

  /**
   * Stores a blob encoded elsewhere (by a read worker, with this session's compression and key)
   * unless known, and returns at once: true when it was new. Its stored form is
   * `source[offset, offset + length)` (a batch of small files), copied into the pack from
   * there. The caller waits for `drain()` whenever `congested` says too many packs are
   * uploading (back-pressure without a promise per blob, for 100,000 small files).
   */
  putStored(
    type: BlobType,
    id: string,
    rawLength: number,
    compression: StoredCompression,
    source: Buffer,
    offset: number,
    length: number,
  ): boolean {
    this.check();
    if (this.has(id)) return false;
    this.pending.add(id);
    this.packWithRoom(type, id, rawLength, compression, length).buffer.appendFrom(
      source,
      offset,
      offset + length,
    );
    return true;
  }

  private put(type: BlobType, id: string, rawLength: number, encoded: EncodedBlob): void {
    const pack = this.packWithRoom(type, id, rawLength, encoded.compression, encoded.length);
    for (const part of encoded.parts) pack.buffer.append(part);
    // Cipher output copied into the pack: free it now, not at the next garbage collection
    // (V8 collects when its heap fills, and a backup's heap hardly grows: tens of MiB of
    // sealed chunks would wait).
    if (encoded.owned === true) for (const part of encoded.parts) release(part);
  }

  /** The open pack of `type` with the blob's entry added, its bytes still to append. */
  private packWithRoom(
    type: BlobType,
    id: string,
    rawLength: number,
    compression: StoredCompression,
    length: number,
  ): OpenPack {
    let pack = this.packFor(type);
    // Close a pack before it would outgrow its target size (trailer included), so pack
    // buffers never grow past it unless one blob alone is larger.
    const after = pack.buffer.size + length + TRAILER_RESERVE + 42 * (pack.blobs.length + 1);
    if (pack.blobs.length > 0 && after > this.packSize) {
      this.open.delete(type);
      this.startUpload(pack);
      pack = this.packFor(type);
    }
    pack.blobs.push({ id, type, compression, offset: pack.buffer.size, length, rawLength });
    if (type === BlobType.Data) {
      this.stats.blobsNew += 1;
      this.stats.blobBytesNew += rawLength;
    }
    return pack;
  }

  /** Uploads the open packs, waits for every upload and writes the final index. */
  async flush(): Promise<void> {
    for (const [type, pack] of this.open) {
      this.open.delete(type);
      this.startUpload(pack);
    }
    while (this.uploads.size > 0) await Promise.race(this.uploads);
    this.check();
    this.checkpoint();
    await this.indexWrites;
    this.check();
  }

  /**
   * After a failure or abort: waits for the uploads already under way and records the
   * packs that made it in an index file, so the next run finds them without reading packs.
   * Never throws; the open (partial) packs are dropped.
   */
  async settle(): Promise<void> {
    this.open.clear();
    await Promise.allSettled([...this.uploads]);
    this.checkpoint();
    await this.indexWrites.catch(() => undefined);
  }

  private packFor(type: BlobType): OpenPack {
    let pack = this.open.get(type);
    if (pack === undefined) {
      pack = { buffer: this.spare.pop() ?? new PackBuffer(this.packSize), blobs: [] };
      this.open.set(type, pack);
    }
    return pack;
  }

  private startUpload(pack: OpenPack): void {
    const upload = this.upload(pack).then(
      () => {
        this.uploads.delete(upload);
      },
      (err: unknown) => {
        this.uploads.delete(upload);
        this.failure ??= err;
      },
    );
    this.uploads.add(upload);
  }

  private async upload(pack: OpenPack): Promise<void> {
    const { repo } = this.options;
    const trailer = packTrailer(pack.blobs, repo.key);
    pack.buffer.append(trailer);
    const bytes = pack.buffer.view();
    // A pack is named by the hash of its trailer, which lists every blob's id and length (and,
    // sealed, a fresh nonce): unique without hashing the whole pack a second time.
    const id = packId(trailer);
    this.check();
    await repo.store.put(packKey(id), bytes);
    pack.buffer.reset();
    if (this.spare.length < 1) this.spare.push(pack.buffer);
    this.stats.packs += 1;
    this.stats.bytesUploaded += bytes.byteLength;
    const indexed = { id, blobs: pack.blobs };
    repo.index.addPack(indexed);
    for (const blob of pack.blobs) this.pending.delete(blob.id);
    this.uploaded.push(indexed);
    this.uploadedBlobs += pack.blobs.length;
    // Checkpoint by packs, or by blobs when they are small (one index file per 8 packs of
    // 2 KiB files would be a 10 MB JSON document).
    if (this.uploaded.length >= this.checkpointEvery || this.uploadedBlobs >= 10_000) this.checkpoint();
  }

  /** Queues an index file for the packs uploaded since the last one (written one at a time). */
  private checkpoint(): void {
    const packs = this.uploaded;
    if (packs.length === 0) return;
    this.uploaded = [];
    this.uploadedBlobs = 0;
    this.indexWrites = this.indexWrites.then(async () => {
      try {
        const written = await this.options.repo.writeIndex(packs);
        this.stats.bytesUploaded += written;
      } catch (err) {
        this.failure ??= err;
      }
    });
  }

  private check(): void {
    if (this.failure !== undefined) {
      throw this.failure instanceof Error
        ? this.failure
        : new FerryError("IO", "a pack upload failed", { cause: this.failure });
    }
    if (this.options.signal?.aborted === true) throw new FerryError("Aborted", "the backup was aborted");
  }
}
