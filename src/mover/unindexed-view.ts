import type { RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import { MoverRepository } from "./repository.js";

/**
 * A repository handle whose in-memory index starts empty: `MoverRepository.open` loads every
 * index file, which forget does not need and prune does itself (it must know which file names
 * which packs). Its store hides `index/` from listings only; reads and writes pass through.
 */
export function openWithoutIndex(
  store: ObjectStore,
  key: RepositoryKey | undefined,
): Promise<MoverRepository> {
  const view: ObjectStore = {
    description: store.description,
    put: (k, data) => store.put(k, data),
    get: (k) => store.get(k),
    has: (k) => store.has(k),
    delete: (k) => store.delete(k),
    list: (prefix) =>
      prefix.startsWith("index/") || "index/".startsWith(prefix) ? none() : store.list(prefix),
  };
  return MoverRepository.open(view, { key });
}

async function* none(): AsyncIterable<string> {
  // Nothing: the caller loads the index itself.
}
