import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recoverSwap, swapInto } from "../../../src/mover/swap.js";

describe("staged restore swap", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-swap-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function tree(path: string, content: string): Promise<void> {
    await mkdir(path, { recursive: true });
    await writeFile(join(path, "f"), content);
  }

  it("puts a complete staging copy in place of the target and removes the old copy", async () => {
    await tree(join(dir, "vol"), "old");
    await tree(join(dir, "vol.ferry-staging-1"), "new");
    await swapInto(join(dir, "vol.ferry-staging-1"), join(dir, "vol"));
    expect(await readFile(join(dir, "vol", "f"), "utf8")).toBe("new");
    expect(await readdir(dir)).toEqual(["vol"]);
  });

  it.each([
    {
      name: "a restore killed while staging: the staging copy goes, the target stays",
      before: { vol: "previous", "vol.ferry-staging-abc": "partial" },
      after: { vol: "previous" },
    },
    {
      name: "a restore killed between the two renames: the old copy comes back",
      before: { "vol.ferry-old-abc": "previous", "vol.ferry-staging-abc": "complete" },
      after: { vol: "previous" },
    },
    {
      name: "a restore killed after both renames: the leftover old copy goes",
      before: { vol: "new", "vol.ferry-old-abc": "previous" },
      after: { vol: "new" },
    },
    {
      name: "other directories are left alone",
      before: { vol: "v", "volume-2": "other", "vol2.ferry-staging-x": "other's" },
      after: { vol: "v", "volume-2": "other", "vol2.ferry-staging-x": "other's" },
    },
  ])("recovers from $name", async ({ before, after }) => {
    for (const [name, content] of Object.entries(before)) await tree(join(dir, name), content);
    await recoverSwap(join(dir, "vol"));
    const found: Record<string, string> = {};
    for (const name of await readdir(dir)) found[name] = await readFile(join(dir, name, "f"), "utf8");
    expect(found).toEqual(after);
  });
});
