import { describe, expect, it } from "vitest";
import { release } from "../../../src/mover/workers/release.js";

const MiB = 1024 * 1024;

describe("release", () => {
  it("frees a whole buffer at once, before any garbage collection", () => {
    const before = process.memoryUsage().arrayBuffers;
    const view = new Uint8Array(Buffer.allocUnsafeSlow(32 * MiB).buffer).fill(7);
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(32 * MiB);
    expect(release(view)).toBe(true);
    expect(view.byteLength).toBe(0);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(MiB);
  });

  it("leaves a slice of a larger buffer, and small (possibly pooled) buffers, alone", () => {
    const whole = new Uint8Array(2 * MiB).fill(1);
    const slice = whole.subarray(MiB);
    expect(release(slice)).toBe(false);
    expect(slice[0]).toBe(1);
    const small = Buffer.from("a few bytes from the shared pool");
    expect(release(small)).toBe(false);
    expect(small.toString()).toBe("a few bytes from the shared pool");
  });
});
