import { createHash } from "node:crypto";
import type { RepositoryKey } from "../repository/crypto.js";
import { defaultChunkerParams, fastCdc, type ChunkerParams, type Cutter } from "./chunker.js";
import { gearTable } from "./gear.js";

/**
 * The chunker of a repository: a fixed gear table for plain repositories, one derived from
 * the key for encrypted ones (so every run against the same repository cuts the same way,
 * and chunk sizes do not fingerprint content to someone without the key).
 */
export function repositoryCutter(
  key: RepositoryKey | undefined,
  params: ChunkerParams = defaultChunkerParams,
): Cutter {
  const seed =
    key === undefined
      ? undefined
      : createHash("sha256").update("ferry fastcdc gear v1\0").update(key.key).digest();
  return fastCdc(seed === undefined ? gearTable() : gearTable(seed), params);
}
