import type { ObjectStore } from "../../src/repository/object-store.js";

/**
 * A store (Ferry's own port) that forwards every call to `inner`: tests extend it and
 * override the calls they count, hold back or fail.
 */
export class DelegatingStore implements ObjectStore {
  constructor(protected readonly inner: ObjectStore) {}

  get description(): string {
    return this.inner.description;
  }

  put(key: string, data: Uint8Array): Promise<void> {
    return this.inner.put(key, data);
  }

  get(key: string): Promise<Uint8Array> {
    return this.inner.get(key);
  }

  has(key: string): Promise<boolean> {
    return this.inner.has(key);
  }

  list(prefix: string): AsyncIterable<string> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
