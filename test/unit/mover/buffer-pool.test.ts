import { describe, expect, it } from "vitest";
import { BufferPool } from "../../../src/mover/workers/buffer-pool.js";

describe("BufferPool (read workers' buffers)", () => {
  it("hands out a recycled buffer that is big enough, exactly as long as asked", () => {
    const pool = new BufferPool(2);
    const first = pool.take(1000);
    expect(first.length).toBe(1000);
    expect(first.byteOffset).toBe(0);
    const backing = first.buffer as ArrayBuffer;
    pool.recycle(backing);
    const again = pool.take(500);
    expect(again.buffer).toBe(backing);
    expect(again.length).toBe(500);
    // Nothing left to recycle: a new buffer.
    expect(pool.take(500).buffer).not.toBe(backing);
  });

  it("allocates when no spare is big enough", () => {
    const pool = new BufferPool(2);
    const small = pool.take(100);
    pool.recycle(small.buffer as ArrayBuffer);
    const big = pool.take(1024 * 1024);
    expect(big.buffer).not.toBe(small.buffer);
    expect(big.length).toBe(1024 * 1024);
  });

  it("grows a buffer keeping what was written, and recycles the old one", () => {
    const pool = new BufferPool(2);
    const buf = pool.take(4);
    buf.set([1, 2, 3]);
    const grown = pool.grow(buf, 3, 10);
    expect(grown.length).toBeGreaterThanOrEqual(10);
    expect([...grown.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(pool.take(4).buffer).toBe(buf.buffer);
  });

  it("keeps at most `keep` spares, the largest ones", () => {
    const pool = new BufferPool(2);
    const sizes = [70_000, 80_000, 90_000].map((n) => new ArrayBuffer(n));
    for (const b of sizes) pool.recycle(b);
    expect(pool.take(85_000).buffer).toBe(sizes[2]);
    expect(pool.take(75_000).buffer).toBe(sizes[1]);
    expect(pool.take(65_000).buffer).not.toBe(sizes[0]);
  });
});
