import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fastCdc, type ChunkerParams } from "../../../src/mover/chunker.js";
import { gearTable } from "../../../src/mover/gear.js";

const small: ChunkerParams = { minSize: 2048, avgSize: 8192, maxSize: 65536 };

function chunksOf(data: Uint8Array, params = small, seed?: string): string[] {
  const cutter = fastCdc(gearTable(seed), params);
  const out: string[] = [];
  let at = 0;
  while (at < data.length) {
    // Feed at most maxSize bytes, as the streaming reader does.
    const len = cutter.cut(data, at, Math.min(data.length - at, params.maxSize * 2));
    out.push(
      createHash("sha256")
        .update(data.subarray(at, at + len))
        .digest("hex"),
    );
    at += len;
  }
  return out;
}

function sizesOf(data: Uint8Array, params = small): number[] {
  const cutter = fastCdc(gearTable(), params);
  const sizes: number[] = [];
  for (let at = 0; at < data.length;) {
    const len = cutter.cut(data, at, data.length - at);
    sizes.push(len);
    at += len;
  }
  return sizes;
}

/** FastCDC level 1 as the paper writes it, one byte per step: what the unrolled cutter must match. */
function referenceCut(
  gear: Int32Array,
  p: ChunkerParams,
  data: Uint8Array,
  start: number,
  available: number,
): number {
  if (available <= p.minSize) return available;
  const bits = Math.round(Math.log2(p.avgSize));
  const maskS = (~0 << (32 - (bits + 1))) | 0;
  const maskL = (~0 << (32 - (bits - 1))) | 0;
  const limit = start + Math.min(available, p.maxSize);
  const normal = start + Math.min(available, p.avgSize);
  let h = 0;
  for (let i = start + p.minSize; i < limit; i++) {
    h = ((h << 1) + gear[data[i]!]!) | 0;
    if ((h & (i < normal ? maskS : maskL)) === 0) return i + 1 - start;
  }
  return limit - start;
}

describe("FastCDC", () => {
  const data = randomBytes(2 * 1024 * 1024);

  it("cuts exactly where the one-byte-per-step algorithm does, at every start and length", () => {
    const gear = gearTable("reference");
    // Odd sizes exercise the unrolled loop's tails; zeros and a repeated byte the forced cuts.
    const params: ChunkerParams[] = [
      small,
      { minSize: 3, avgSize: 37, maxSize: 301 },
      { minSize: 1000, avgSize: 1021, maxSize: 1500 },
    ];
    const inputs = [data.subarray(0, 300_000), Buffer.alloc(70_000), Buffer.alloc(70_000, 7)];
    for (const p of params) {
      const cutter = fastCdc(gear, p);
      for (const input of inputs) {
        for (let at = 0; at < input.length;) {
          const available = Math.min(input.length - at, p.maxSize + (at % 5));
          const len = cutter.cut(input, at, available);
          expect(len).toBe(referenceCut(gear, p, input, at, available));
          at += len;
        }
      }
    }
  });

  it("cuts chunks within [min, max] whose lengths add up, averaging near the target", () => {
    const sizes = sizesOf(data);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(data.length);
    for (const s of sizes.slice(0, -1)) {
      expect(s).toBeGreaterThanOrEqual(small.minSize);
      expect(s).toBeLessThanOrEqual(small.maxSize);
    }
    const avg = data.length / sizes.length;
    expect(avg).toBeGreaterThan(small.avgSize * 0.6);
    expect(avg).toBeLessThan(small.avgSize * 2);
  });

  it("is deterministic, and a different gear seed cuts differently", () => {
    const first = chunksOf(data);
    expect(chunksOf(data)).toEqual(first);
    const other = chunksOf(data, small, "another seed");
    const known = new Set(first);
    const shared = other.filter((c) => known.has(c)).length;
    expect(shared).toBeLessThan(other.length / 4);
  });

  it.each([
    ["an insertion at the start", 0, 1],
    ["an insertion in the middle", 1_000_000, 17],
    ["a 100-byte insertion near the end", 1_900_000, 100],
  ])("keeps chunks stable under %s", (_name, at, count) => {
    const before = chunksOf(data);
    const edited = Buffer.concat([data.subarray(0, at), randomBytes(count), data.subarray(at)]);
    const after = chunksOf(edited);
    const known = new Set(before);
    const changed = after.filter((c) => !known.has(c)).length;
    // Only the chunk around the edit and the few after it, until the cut points line up
    // again, differ: a fixed-size chunker would change every chunk after the edit.
    expect(changed).toBeLessThanOrEqual(6);
    expect(after.length - changed).toBeGreaterThanOrEqual(before.length - 6);
  });

  it("cuts a run of zeros at the maximum size", () => {
    const zeros = new Uint8Array(small.maxSize * 3);
    const sizes = sizesOf(zeros);
    expect(sizes.every((s) => s === small.maxSize || s === small.minSize)).toBe(true);
  });

  it.each([
    [{ minSize: 0, avgSize: 8, maxSize: 16 }],
    [{ minSize: 8, avgSize: 8, maxSize: 16 }],
    [{ minSize: 4, avgSize: 32, maxSize: 16 }],
  ])("rejects inconsistent sizes %j", (params) => {
    expect(() => fastCdc(gearTable(), params)).toThrow(/min < avg < max/);
  });
});
