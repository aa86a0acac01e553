import { FerryError } from "../../../src/core/errors.js";
import type { ObjectStore } from "../../../src/repository/object-store.js";
import { DelegatingStore } from "../../helpers/delegating-store.js";

/**
 * Wraps a store (our own port) and fails the Nth delete and/or the Nth put of a repository
 * object (`packs/`, `index/`, `snapshots/`; locks are left alone), as a crash of the process at
 * that point would, except that later calls succeed. Counts what it sees, to size a test.
 */
export class FaultyStore extends DelegatingStore {
  deletes = 0;
  puts = 0;

  constructor(
    inner: ObjectStore,
    private readonly failDelete = 0,
    private readonly failPut = 0,
  ) {
    super(inner);
  }

  override async put(key: string, data: Uint8Array): Promise<void> {
    if (!key.startsWith("locks/")) {
      this.puts += 1;
      if (this.puts === this.failPut) throw new FerryError("IO", `injected failure putting ${key}`);
    }
    await this.inner.put(key, data);
  }

  override async delete(key: string): Promise<void> {
    if (!key.startsWith("locks/")) {
      this.deletes += 1;
      if (this.deletes === this.failDelete) throw new FerryError("IO", `injected failure deleting ${key}`);
    }
    await this.inner.delete(key);
  }
}
