/**
 * The object-storage port of the replication repository: a flat key space of immutable
 * blobs, as S3 and a folder both provide. Keys are `/`-separated relative paths with no
 * `..` segment. Higher layers (content addressing, encryption, backup and snapshot
 * manifests) are built on this port and never know which backend they talk to.
 */
export interface ObjectStore {
  /** Stores `data` under `key`, replacing any previous value atomically (readers see old or new, never half). */
  put(key: string, data: Uint8Array): Promise<void>;
  /** The value under `key`; throws a FerryError with code NotFound when absent. */
  get(key: string): Promise<Uint8Array>;
  /** Whether `key` exists. */
  has(key: string): Promise<boolean>;
  /** Every key that starts with `prefix`, in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;
  /** Removes `key`; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** A description safe to print: backend and location, never credentials. */
  readonly description: string;
}
