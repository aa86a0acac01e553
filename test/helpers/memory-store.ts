import { FerryError } from "../../src/core/errors.js";
import type { ObjectStore } from "../../src/repository/object-store.js";

/** A hand-written in-memory ObjectStore for unit tests; counts puts and bytes written. */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  puts = 0;
  bytesPut = 0;
  readonly description = "memory";

  put(key: string, data: Uint8Array): Promise<void> {
    this.puts += 1;
    this.bytesPut += data.byteLength;
    this.objects.set(key, new Uint8Array(data));
    return Promise.resolve();
  }

  get(key: string): Promise<Uint8Array> {
    const value = this.objects.get(key);
    if (value === undefined) return Promise.reject(new FerryError("NotFound", `object ${key} not found`));
    return Promise.resolve(new Uint8Array(value));
  }

  has(key: string): Promise<boolean> {
    return Promise.resolve(this.objects.has(key));
  }

  async *list(prefix: string): AsyncIterable<string> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    for (const key of keys) yield await Promise.resolve(key);
  }

  delete(key: string): Promise<void> {
    this.objects.delete(key);
    return Promise.resolve();
  }
}
