import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMeta } from "../../../src/mover/apply-meta.js";

describe("applyMeta", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-apply-meta-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("sets the modification time to the microsecond it was recorded with", async () => {
    const file = join(dir, "f");
    await writeFile(file, "x");
    const wrong: string[] = [];
    for (let i = 0; i < 200; i++) {
      // Times of 2026–2027 with every sub-microsecond remainder.
      const us = 1_790_000_000_000_000n + BigInt(Math.floor(Math.random() * 3e13));
      const ns = (us * 1000n + BigInt(i % 1000)).toString();
      await applyMeta(file, { mode: 0o644, uid: 0, gid: 0, mtime: ns }, { symlink: false, asRoot: false });
      const st = await stat(file, { bigint: true });
      if (st.mtimeNs / 1000n !== us) wrong.push(`${ns} → ${st.mtimeNs}`);
    }
    expect(wrong).toEqual([]);
  });
});
