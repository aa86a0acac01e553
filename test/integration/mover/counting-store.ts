import { DelegatingStore } from "../../helpers/delegating-store.js";

/** Wraps a store (our own port), counting what is put under each prefix; `onPut` sees every put. */
export class CountingStore extends DelegatingStore {
  readonly bytesByPrefix = new Map<string, number>();
  readonly putsByPrefix = new Map<string, number>();
  onPut: ((key: string) => void) | undefined;

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

  override async put(key: string, data: Uint8Array): Promise<void> {
    await this.inner.put(key, data);
    const prefix = key.slice(0, key.indexOf("/") + 1);
    this.bytesByPrefix.set(prefix, this.bytes(prefix) + data.byteLength);
    this.putsByPrefix.set(prefix, this.puts(prefix) + 1);
    this.onPut?.(key);
  }
}
