import { FerryError } from "../core/errors.js";
import { encodeContent, decodeContent, type Compression } from "./content-codec.js";
import { sha256Hex, type RepositoryKey } from "./crypto.js";
import type { ObjectStore } from "./object-store.js";

export interface ContentStoreOptions {
  readonly key?: RepositoryKey | undefined;
  /** Compression of new objects (default gzip); readers follow each object's header. */
  readonly compression?: Compression;
}

/** What one `putObject` did: stored the object, or found it already there. */
export interface PutResult {
  readonly id: string;
  /** False when the object already existed and nothing was sent. */
  readonly written: boolean;
  /** Bytes sent to the store (0 when not written). */
  readonly storedBytes: number;
}

const ID = /^[0-9a-f]{64}$/;

/** The key of content object `id`: `objects/<first two hex digits>/<id>`. */
export function contentKey(id: string): string {
  if (!ID.test(id)) throw new FerryError("Invalid", `${JSON.stringify(id)} is not a content object id`);
  return `objects/${id.slice(0, 2)}/${id}`;
}

/** The id of a content object key, or undefined for any other key. */
export function contentIdOfKey(key: string): string | undefined {
  const match = /^objects\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(key);
  return match !== null && match[2]?.startsWith(match[1] ?? "") === true ? match[2] : undefined;
}

/**
 * Content-addressed objects over any ObjectStore: an object's id is the SHA-256 of its
 * plaintext, so identical content is stored once and a resumed upload sends only what is
 * missing. Every read recomputes the hash (and the seal's tag, when encrypted).
 */
export class ContentStore {
  readonly store: ObjectStore;
  private readonly key: RepositoryKey | undefined;
  private readonly compression: Compression;
  // Ids known to be stored: skips a HEAD per object when the same content recurs.
  private readonly known = new Set<string>();
  private knownIsComplete = false;

  constructor(store: ObjectStore, options: ContentStoreOptions = {}) {
    this.store = store;
    this.key = options.key;
    this.compression = options.compression ?? "gzip";
  }

  /**
   * Lists `objects/` once so later puts consult memory instead of asking the store per
   * object: worth it before a large upload to a remote store.
   */
  async loadKnownObjects(): Promise<number> {
    for await (const key of this.store.list("objects/")) {
      const id = contentIdOfKey(key);
      if (id !== undefined) this.known.add(id);
    }
    this.knownIsComplete = true;
    return this.known.size;
  }

  /** Stores `plain` unless an object with the same content exists; returns its id. */
  async putObject(plain: Uint8Array): Promise<PutResult> {
    const id = sha256Hex(plain);
    if (this.known.has(id)) return { id, written: false, storedBytes: 0 };
    const key = contentKey(id);
    if (!this.knownIsComplete && (await this.store.has(key))) {
      this.known.add(id);
      return { id, written: false, storedBytes: 0 };
    }
    const bytes = await encodeContent(plain, { compression: this.compression, key: this.key });
    await this.store.put(key, bytes);
    this.known.add(id);
    return { id, written: true, storedBytes: bytes.byteLength };
  }

  /** The plaintext of object `id`; Integrity when its content does not hash to `id`. */
  async getObject(id: string): Promise<Uint8Array> {
    const key = contentKey(id);
    const stored = await this.store.get(key).catch((err: unknown) => {
      if (err instanceof FerryError && err.code === "NotFound") {
        throw new FerryError("NotFound", `content object ${id} is missing from ${this.store.description}`, {
          data: { object: id },
          cause: err,
        });
      }
      throw err;
    });
    const plain = await decodeContent(stored, { key: this.key, what: `content object ${id}` });
    if (sha256Hex(plain) !== id) {
      throw new FerryError(
        "Integrity",
        `content object ${id} does not match its checksum (corrupted or tampered)`,
        {
          data: { object: id },
        },
      );
    }
    return plain;
  }

  /** Whether object `id` is stored. */
  async hasObject(id: string): Promise<boolean> {
    if (this.known.has(id)) return true;
    const present = await this.store.has(contentKey(id));
    if (present) this.known.add(id);
    return present;
  }

  /** Every stored object id, in order (what prune sweeps). */
  async *listObjects(): AsyncIterable<string> {
    for await (const key of this.store.list("objects/")) {
      const id = contentIdOfKey(key);
      if (id !== undefined) yield id;
    }
  }

  /** Removes object `id` (prune only: a backup may still name it otherwise). */
  async deleteObject(id: string): Promise<void> {
    this.known.delete(id);
    await this.store.delete(contentKey(id));
  }
}
