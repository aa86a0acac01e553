import { describe, expect, it } from "vitest";
import { BlobType, type PackedBlob } from "../../../src/mover/pack.js";
import { parseMaxUnused, planPrune } from "../../../src/mover/prune-plan.js";
import type { IndexedPack } from "../../../src/mover/repo-index.js";

/** A pack whose blobs are `name:length` pairs, laid out back to back. */
function pack(id: string, ...blobs: [string, number][]): IndexedPack {
  let offset = 0;
  const entries: PackedBlob[] = blobs.map(([blob, length]) => {
    const entry = {
      id: blob,
      type: BlobType.Data,
      compression: 0 as const,
      offset,
      length,
      rawLength: length,
    };
    offset += length;
    return entry;
  });
  return { id, blobs: entries };
}

const packs = [
  pack("all-used", ["a", 100], ["b", 100]),
  pack("none-used", ["x", 500]),
  pack("mostly-unused", ["c", 10], ["y", 90]),
  pack("slightly-unused", ["d", 97], ["z", 3]),
  pack("duplicate", ["a", 100], ["e", 100]),
];
const used = new Set(["a", "b", "c", "d", "e"]);

describe("planPrune", () => {
  it.each([
    {
      maxUnused: 0.05,
      keep: ["all-used", "slightly-unused"],
      repack: { "mostly-unused": ["c"], duplicate: ["e"] },
      remove: ["none-used"],
      unusedAfter: 3,
    },
    {
      maxUnused: 0,
      keep: ["all-used"],
      repack: { "mostly-unused": ["c"], "slightly-unused": ["d"], duplicate: ["e"] },
      remove: ["none-used"],
      unusedAfter: 0,
    },
    {
      maxUnused: 0.5,
      keep: ["all-used", "slightly-unused", "duplicate"],
      repack: { "mostly-unused": ["c"] },
      remove: ["none-used"],
      unusedAfter: 103,
    },
    {
      maxUnused: 1,
      keep: ["all-used", "mostly-unused", "slightly-unused", "duplicate"],
      repack: {},
      remove: ["none-used"],
      unusedAfter: 193,
    },
  ])("max unused $maxUnused", ({ maxUnused, keep, repack, remove, unusedAfter }) => {
    const plan = planPrune(packs, used, maxUnused);
    expect(plan.keep.map((p) => p.id)).toEqual(keep);
    expect(Object.fromEntries(plan.repack.map((r) => [r.pack.id, r.copy.map((b) => b.id)]))).toEqual(repack);
    expect(plan.remove.map((p) => p.id)).toEqual(remove);
    expect(plan.stats).toMatchObject({
      packs: 5,
      blobs: 9,
      usedBlobs: 5,
      usedBytes: 407,
      unusedBytes: 693,
      unusedBytesAfter: unusedAfter,
    });
  });

  it("counts a used blob once: the second copy is unused, so a pack of copies goes", () => {
    const plan = planPrune([pack("p1", ["a", 10]), pack("p2", ["a", 10])], new Set(["a"]), 0.05);
    expect(plan.keep.map((p) => p.id)).toEqual(["p1"]);
    expect(plan.remove.map((p) => p.id)).toEqual(["p2"]);
  });

  it("counts a pack named by two index files once", () => {
    const plan = planPrune([pack("p1", ["a", 10]), pack("p1", ["a", 10])], new Set(["a"]), 0.05);
    expect(plan.keep.map((p) => p.id)).toEqual(["p1"]);
    expect(plan.remove).toEqual([]);
    expect(plan.stats.packs).toBe(1);
  });

  it("removes everything when no snapshot is left", () => {
    const plan = planPrune(packs, new Set(), 0.05);
    expect(plan.remove.map((p) => p.id)).toEqual(packs.map((p) => p.id));
    expect(plan.keep).toEqual([]);
    expect(plan.repack).toEqual([]);
  });
});

describe("parseMaxUnused", () => {
  it.each([
    ["5%", 0.05],
    ["5", 0.05],
    ["0%", 0],
    ["12.5%", 0.125],
    ["100%", 1],
    ["unlimited", 1],
    ["101%", undefined],
    ["-1%", undefined],
    ["5 %", undefined],
    ["lots", undefined],
  ])("%s → %s", (text, fraction) => {
    expect(parseMaxUnused(text)).toBe(fraction);
  });
});
