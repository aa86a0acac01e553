import type { ObjectStore } from "../../../src/repository/object-store.js";

/** Wraps a store (our own port), counting what is put under each prefix; `onPut` sees every put. */
export class CountingStore implements ObjectStore {
  readonly bytesByPrefix = new Map<string, number>();
  readonly putsByPrefix = new Map<string, number>();
  onPut: ((key: string) => void) | undefined;

  constructor(private readonly inner: ObjectStore) {}

  get description(): string {
    return this.inner.description;
  }

  bytes(prefix: string): number {
    return this.bytesByPrefix.get(prefix) ?? 0;
  }

  puts(prefix: string): number {
    return this.putsByPrefix.get(prefix) ?? 0;
  }

  reset(): void {
    this.bytesByPrefix.clear();
    this.putsByPrefix.clear();
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.inner.put(key, data);
    const prefix = key.slice(0, key.indexOf("/") + 1);
    this.bytesByPrefix.set(prefix, this.bytes(prefix) + data.byteLength);
    this.putsByPrefix.set(prefix, this.puts(prefix) + 1);
    this.onPut?.(key);
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
