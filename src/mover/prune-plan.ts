import type { PackedBlob } from "./pack.js";
import type { IndexedPack } from "./repo-index.js";

/** What prune does with the indexed packs; pure data, decided before anything is written. */
export interface PrunePlan {
  /** Packs kept as they are (every blob entry stays in the index). */
  readonly keep: readonly IndexedPack[];
  /** Packs whose used blobs are copied into new packs before the pack is deleted. */
  readonly repack: readonly { readonly pack: IndexedPack; readonly copy: readonly PackedBlob[] }[];
  /** Packs with no used blob. */
  readonly remove: readonly IndexedPack[];
  readonly stats: PrunePlanStats;
}

/** Stored blob bytes (pack headers not included). */
export interface PrunePlanStats {
  readonly packs: number;
  readonly blobs: number;
  readonly usedBlobs: number;
  readonly usedBytes: number;
  readonly unusedBytes: number;
  /** Unused bytes left in kept packs after the prune. */
  readonly unusedBytesAfter: number;
  /** Bytes copied into new packs. */
  readonly repackBytes: number;
}

/**
 * Sorts packs into keep / repack / remove. A used blob is counted in the first pack (in
 * index order) holding it; further copies count as unused. A pack with no used blob is
 * removed; one whose unused share of its blob bytes exceeds `maxUnused` (a fraction, 0–1)
 * is repacked; the rest are kept. Packs listed twice (two index files naming one pack) count
 * once.
 */
export function planPrune(
  packs: readonly IndexedPack[],
  used: ReadonlySet<string>,
  maxUnused: number,
): PrunePlan {
  const owned = new Set<string>();
  const seenPacks = new Set<string>();
  const keep: IndexedPack[] = [];
  const repack: { pack: IndexedPack; copy: PackedBlob[] }[] = [];
  const remove: IndexedPack[] = [];
  let blobs = 0;
  let usedBytes = 0;
  let unusedBytes = 0;
  let unusedBytesAfter = 0;
  let repackBytes = 0;
  for (const pack of packs) {
    if (seenPacks.has(pack.id)) continue;
    seenPacks.add(pack.id);
    const copy: PackedBlob[] = [];
    let total = 0;
    let usedHere = 0;
    for (const blob of pack.blobs) {
      blobs += 1;
      total += blob.length;
      if (used.has(blob.id) && !owned.has(blob.id)) {
        owned.add(blob.id);
        copy.push(blob);
        usedHere += blob.length;
      }
    }
    usedBytes += usedHere;
    unusedBytes += total - usedHere;
    if (copy.length === 0) {
      remove.push(pack);
    } else if (total - usedHere > maxUnused * total) {
      repack.push({ pack, copy });
      repackBytes += usedHere;
    } else {
      keep.push(pack);
      unusedBytesAfter += total - usedHere;
    }
  }
  return {
    keep,
    repack,
    remove,
    stats: {
      packs: seenPacks.size,
      blobs,
      usedBlobs: owned.size,
      usedBytes,
      unusedBytes,
      unusedBytesAfter,
      repackBytes,
    },
  };
}

/** Parses `--max-unused`: `5%`, `5` (percent) or `unlimited`; a fraction, or undefined when invalid. */
export function parseMaxUnused(text: string): number | undefined {
  if (text === "unlimited") return 1;
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(text);
  const percent = Number(match?.[1]);
  return match === null || percent > 100 ? undefined : percent / 100;
}
