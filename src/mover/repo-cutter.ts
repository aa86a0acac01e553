import { createHash } from "node:crypto";
import type { RepositoryKey } from "../repository/crypto.js";
import { defaultChunkerParams, fastCdc, type ChunkerParams, type Cutter } from "./chunker.js";
import { gearTable } from "./gear.js";

/**
 * The seed of a repository's gear table: fixed for plain repositories, derived from the key
 * for encrypted ones (so every run against the same repository cuts the same way, and chunk
 * sizes do not fingerprint content to someone without the key).
 */
export function repositoryGearSeed(key: RepositoryKey | undefined): Uint8Array | undefined {
  return key === undefined
    ? undefined
    : createHash("sha256").update("ferry fastcdc gear v1\0").update(key.key).digest();
}

/** The chunker of a repository, from its gear seed (see repositoryGearSeed). */
export function cutterOf(seed: Uint8Array | undefined, params: ChunkerParams = defaultChunkerParams): Cutter {
  return fastCdc(seed === undefined ? gearTable() : gearTable(seed), params);
}
