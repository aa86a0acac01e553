import { FerryError } from "../core/errors.js";
import { isSealed, open, seal, sha256Hex, type RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import { openBlobSync } from "./open-blob.js";
import { packId, packIdOfKey, packKey, readPackHeader, trailerOf } from "./pack.js";
import { fromIndexFile, RepoIndex, toIndexFile, type BlobLocation, type IndexedPack } from "./repo-index.js";

/**
 * The mover's view of a replication repository: packs under `packs/`, index files under
 * `index/`, snapshot roots under `snapshots/`. JSON objects (index files, snapshots) are
 * sealed with the repository key when one is configured; the store itself only ever sees
 * ciphertext then.
 */
export class MoverRepository {
  readonly index = new RepoIndex();
  private readonly packCache = new Map<string, Promise<Uint8Array>>();

  private constructor(
    readonly store: ObjectStore,
    readonly key: RepositoryKey | undefined,
    private readonly packCacheSize: number,
  ) {}

  /**
   * Opens a repository and loads its index. With `recover`, packs that no index file names
   * (uploaded by a run that was killed before its checkpoint) are read and indexed too, so
   * a resumed backup does not send them again.
   */
  static async open(
    store: ObjectStore,
    options: {
      readonly key?: RepositoryKey | undefined;
      readonly recover?: boolean;
      readonly packCacheSize?: number;
    },
  ): Promise<MoverRepository> {
    const repo = new MoverRepository(store, options.key, options.packCacheSize ?? 4);
    for await (const key of store.list("index/")) {
      const packs = fromIndexFile(await repo.getJson(key));
      if (packs === undefined)
        throw new FerryError("Integrity", `index file ${key} is not a Ferry index`, { data: { key } });
      for (const pack of packs) repo.index.addPack(pack);
    }
    if (options.recover === true) await repo.recoverUnindexedPacks();
    return repo;
  }

  /** Reads and parses a JSON object, opening it when sealed; refuses a key/plaintext mismatch. */
  async getJson(key: string): Promise<unknown> {
    const raw = await this.store.get(key);
    const sealed = isSealed(raw);
    if (sealed && this.key === undefined) {
      throw new FerryError(
        "Invalid",
        `the repository is encrypted (${key}); set its key (FERRY_REPOSITORY_KEY)`,
      );
    }
    if (!sealed && this.key !== undefined) {
      throw new FerryError("Invalid", `the repository is not encrypted (${key}), but a key was given`);
    }
    const plain = this.key === undefined ? raw : open(this.key, raw);
    try {
      return JSON.parse(Buffer.from(plain).toString("utf8")) as unknown;
    } catch (cause) {
      throw new FerryError("Integrity", `object ${key} is not valid JSON`, { data: { key }, cause });
    }
  }

  /** Serialises, seals when encrypted and stores a JSON object; returns the stored size. */
  async putJson(key: string, value: unknown): Promise<number> {
    const plain = Buffer.from(JSON.stringify(value));
    const bytes = this.key === undefined ? plain : seal(this.key, plain);
    await this.store.put(key, bytes);
    return bytes.byteLength;
  }

  /** Writes an index file for `packs` (named by the hash of its content); returns its size. */
  async writeIndex(packs: readonly IndexedPack[]): Promise<number> {
    if (packs.length === 0) return 0;
    const file = toIndexFile(packs);
    return this.putJson(`index/${sha256Hex(Buffer.from(JSON.stringify(file)))}`, file);
  }

  /** A pack's bytes, from a small cache: restore and tree loading read several blobs per pack. */
  getPack(packId: string): Promise<Uint8Array> {
    const cached = this.packCache.get(packId);
    if (cached !== undefined) {
      this.packCache.delete(packId);
      this.packCache.set(packId, cached);
      return cached;
    }
    const loading = this.store.get(packKey(packId));
    loading.catch(() => this.packCache.delete(packId));
    this.packCache.set(packId, loading);
    while (this.packCache.size > this.packCacheSize) {
      const oldest = this.packCache.keys().next().value;
      if (oldest === undefined) break;
      this.packCache.delete(oldest);
    }
    return loading;
  }

  /** Drops a pack from the cache once the caller has taken what it needed. */
  forgetPack(packId: string): void {
    this.packCache.delete(packId);
  }

  /** Where blob `id` is; a missing blob is an Integrity error (a snapshot names it). */
  locate(id: string, what: string): BlobLocation {
    const at = this.index.get(id);
    if (at === undefined) {
      throw new FerryError("Integrity", `${what}: blob ${id} is not in the repository index`, {
        data: { blob: id },
      });
    }
    return at;
  }

  /** Extracts, opens, inflates and verifies a blob from its pack's bytes (see openBlobSync). */
  blobFromPack(pack: Uint8Array, at: BlobLocation, id: string, what: string): Promise<Uint8Array> {
    return Promise.resolve(openBlobSync(pack, at, id, what, this.key));
  }

  /** Reads one blob (through the pack cache) and verifies it. */
  async readBlob(id: string, what: string): Promise<Uint8Array> {
    const at = this.locate(id, what);
    return this.blobFromPack(await this.getPack(at.pack), at, id, what);
  }

  private async recoverUnindexedPacks(): Promise<void> {
    const found: IndexedPack[] = [];
    for await (const key of this.store.list("packs/")) {
      const id = packIdOfKey(key);
      if (id === undefined || this.index.hasPack(id)) continue;
      const pack = await this.verifiedPack(id, await this.store.get(key));
      if (pack === undefined) continue;
      this.index.addPack(pack);
      found.push(pack);
    }
    await this.writeIndex(found);
  }

  /**
   * A pack no index names, checked through: its name matches its trailer and every blob in it
   * decodes to its id. A damaged pack is left out (its blobs are sent again) rather than trusted.
   */
  private async verifiedPack(id: string, bytes: Uint8Array): Promise<IndexedPack | undefined> {
    const trailer = trailerOf(bytes);
    if (trailer === undefined || packId(trailer) !== id) return undefined;
    try {
      const blobs = readPackHeader(bytes, this.key, id);
      for (const blob of blobs) {
        await this.blobFromPack(bytes, { ...blob, pack: id }, blob.id, `recovering pack ${id}`);
      }
      return { id, blobs };
    } catch {
      return undefined;
    }
  }
}
