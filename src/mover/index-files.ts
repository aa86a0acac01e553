import { FerryError } from "../core/errors.js";
import { sha256Hex } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import { fromIndexFile, toIndexFile, type IndexedPack } from "./repo-index.js";
import type { MoverRepository } from "./repository.js";

/**
 * The index files under `index/` (except `skip`) and the packs they name, each pack once (the
 * first file naming it wins). Prune needs the file names, which `MoverRepository.open` drops.
 */
export async function loadIndexFiles(
  store: ObjectStore,
  repo: MoverRepository,
  skip: ReadonlySet<string> = new Set(),
): Promise<{ files: string[]; packs: IndexedPack[] }> {
  const files: string[] = [];
  const packs: IndexedPack[] = [];
  const seen = new Set<string>();
  for await (const key of store.list("index/")) {
    if (skip.has(key)) continue;
    const parsed = fromIndexFile(await repo.getJson(key));
    if (parsed === undefined)
      throw new FerryError("Integrity", `index file ${key} is not a Ferry index`, { data: { key } });
    files.push(key);
    for (const pack of parsed) {
      if (seen.has(pack.id)) continue;
      seen.add(pack.id);
      packs.push(pack);
    }
  }
  return { files, packs };
}

/** Writes one index file for `packs`, named (like a backup's) by the hash of its content. */
export async function writeIndexFile(
  repo: MoverRepository,
  packs: readonly IndexedPack[],
): Promise<{ key: string; bytes: number }> {
  const file = toIndexFile(packs);
  const key = `index/${sha256Hex(Buffer.from(JSON.stringify(file)))}`;
  return { key, bytes: await repo.putJson(key, file) };
}
