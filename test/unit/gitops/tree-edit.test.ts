import * as fs from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import git from "isomorphic-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { editTree } from "../../../src/gitops/git/tree-edit.js";

let dir: string;
let gitdir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ferry-tree-edit-"));
  gitdir = join(dir, ".git");
  await git.init({ fs, dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file of a tree, path → content. */
async function files(tree: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (oid: string, prefix: string): Promise<void> => {
    for (const entry of (await git.readTree({ fs, gitdir, oid })).tree) {
      if (entry.type === "tree") await walk(entry.oid, `${prefix}${entry.path}/`);
      else
        out[prefix + entry.path] = new TextDecoder().decode(
          (await git.readBlob({ fs, gitdir, oid: entry.oid })).blob,
        );
    }
  };
  await walk(tree, "");
  return out;
}

const BASE = { "status/migration/shop/a.yaml": "a", "status/migration/b.yaml": "b", "README.md": "r" };

describe("editTree", () => {
  it.each([
    {
      name: "adds nested files",
      changes: { "status/volumereplication/shop/pg.yaml": "pg" },
      changed: ["status/volumereplication/shop/pg.yaml"],
      expected: { ...BASE, "status/volumereplication/shop/pg.yaml": "pg" },
    },
    {
      name: "modifies one file",
      changes: { "status/migration/b.yaml": "b2" },
      changed: ["status/migration/b.yaml"],
      expected: { ...BASE, "status/migration/b.yaml": "b2" },
    },
    {
      name: "ignores unchanged content",
      changes: { "status/migration/b.yaml": "b", "README.md": "r" },
      changed: [],
      expected: BASE,
    },
    {
      name: "deletes a file and its now-empty folder",
      changes: { "status/migration/shop/a.yaml": null },
      changed: ["status/migration/shop/a.yaml"],
      expected: { "status/migration/b.yaml": "b", "README.md": "r" },
    },
    {
      name: "ignores deleting a missing file",
      changes: { "status/nope.yaml": null },
      changed: [],
      expected: BASE,
    },
    {
      name: "accepts a leading ./",
      changes: { "./README.md": "r2" },
      changed: ["README.md"],
      expected: { ...BASE, "README.md": "r2" },
    },
  ])("$name", async ({ changes, changed, expected }) => {
    const base = (await editTree({ gitdir, base: undefined, changes: new Map(Object.entries(BASE)) })).tree;
    const result = await editTree({ gitdir, base, changes: new Map(Object.entries(changes)) });
    expect(result.changed.map((c) => c.path)).toEqual(changed);
    expect(await files(result.tree)).toEqual(expected);
    if (changed.length === 0) expect(result.tree).toBe(base);
  });

  it.each([
    ["../escape.yaml", /invalid file path/],
    ["status//double.yaml", /invalid file path/],
    ["status/migration", /a folder of that name exists/],
    ["README.md/inner.yaml", /a file of that name exists/],
  ])("refuses %s", async (path, message) => {
    const base = (await editTree({ gitdir, base: undefined, changes: new Map(Object.entries(BASE)) })).tree;
    await expect(editTree({ gitdir, base, changes: new Map([[path, "x"]]) })).rejects.toThrow(message);
  });

  it("gives the empty tree when everything is deleted", async () => {
    const base = (await editTree({ gitdir, base: undefined, changes: new Map([["a/b.yaml", "x"]]) })).tree;
    const result = await editTree({ gitdir, base, changes: new Map([["a/b.yaml", null]]) });
    expect(result.tree).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  });
});
