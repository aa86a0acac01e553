import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryTree, loadDesiredState, memoryTree } from "../../../src/manifests/index.js";
import type { TreeEntry, TreeSource } from "../../../src/manifests/index.js";

describe("directoryTree", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-tree-"));
    await mkdir(join(dir, "environments/prod/team"), { recursive: true });
    await mkdir(join(dir, "node_modules/x"), { recursive: true });
    await writeFile(join(dir, "environments/prod/team/a.yaml"), "a: 1\n");
    await writeFile(join(dir, "node_modules/x/b.yaml"), "b: 1\n");
    await writeFile(join(dir, "outside.yaml"), "secret: 1\n");
    await symlink(join(dir, "outside.yaml"), join(dir, "environments/prod/link.yaml"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lists files with sizes, only under the folders asked for, without following symlinks", async () => {
    const tree = directoryTree(dir);
    expect(await tree.list(["clusters", "environments"])).toEqual([
      { path: "environments/prod/team/a.yaml", size: 5 },
    ]);
    expect((await tree.list()).map((e) => e.path)).toEqual([
      "environments/prod/team/a.yaml",
      "node_modules/x/b.yaml",
      "outside.yaml",
    ]);
    expect(new TextDecoder().decode(await tree.read("environments/prod/team/a.yaml"))).toBe("a: 1\n");
  });

  it("reports a file that cannot be read as a problem, not a crash", async () => {
    const failing: TreeSource = {
      description: "failing",
      list: () => Promise.resolve([{ path: "policies/p.yaml" }]),
      read: () => Promise.reject(new Error("EACCES: permission denied")),
    };
    const result = await loadDesiredState(failing);
    expect(result.problems).toEqual([
      expect.objectContaining({
        file: "policies/p.yaml",
        line: 1,
        code: "read-failed",
        message: "cannot read: EACCES: permission denied",
      }),
    ]);
  });
});

describe("the size limit", () => {
  it("refuses a file whose listed size is over the limit without reading it", async () => {
    const reads: string[] = [];
    const inner = memoryTree({ "policies/huge.yaml": "a: 1\n" });
    const tree: TreeSource = {
      description: "sized",
      list: (): Promise<readonly TreeEntry[]> =>
        Promise.resolve([{ path: "policies/huge.yaml", size: 5_000_000_000 }]),
      read: (path) => {
        reads.push(path);
        return inner.read(path);
      },
    };
    const result = await loadDesiredState(tree);
    expect(reads).toEqual([]);
    expect(result.problems).toEqual([
      expect.objectContaining({ file: "policies/huge.yaml", code: "file-too-large" }),
    ]);
  });

  it("is configurable", async () => {
    const result = await loadDesiredState(memoryTree({ "policies/p.yaml": "a: 1\n" }), { maxFileBytes: 4 });
    expect(result.problems).toEqual([expect.objectContaining({ code: "file-too-large" })]);
  });
});
