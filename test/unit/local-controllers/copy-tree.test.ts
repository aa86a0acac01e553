import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyTree } from "../../../src/local/controllers/volumes/copy-tree.js";

describe("copyTree", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "ferry-copy-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("keeps contents, modes, times, symlinks, hard links and holes", async () => {
    const src = join(root, "src");
    await mkdir(join(src, "dir"), { recursive: true });
    await writeFile(join(src, "dir", "a.txt"), "alpha");
    await writeFile(join(src, "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
    await link(join(src, "dir", "a.txt"), join(src, "a-link.txt"));
    await symlink("dir/a.txt", join(src, "a-sym"));
    await symlink("/nowhere/at/all", join(src, "dangling"));
    const old = new Date("2020-05-01T00:00:00Z");
    await utimes(join(src, "run.sh"), old, old);
    const sparse = await open(join(src, "sparse.img"), "w");
    await sparse.write(Buffer.from("head"), 0, 4, 0);
    await sparse.write(Buffer.from("tail"), 0, 4, 8 * 1024 * 1024);
    await sparse.close();

    const dst = join(root, "dst");
    const stats = await copyTree(src, dst);

    expect(await readFile(join(dst, "dir", "a.txt"), "utf8")).toBe("alpha");
    expect((await stat(join(dst, "run.sh"))).mode & 0o777).toBe(0o755);
    expect((await stat(join(dst, "run.sh"))).mtime.toISOString()).toBe(old.toISOString());
    expect((await stat(join(dst, "a-link.txt"))).ino).toBe((await stat(join(dst, "dir", "a.txt"))).ino);
    expect(await readlink(join(dst, "a-sym"))).toBe("dir/a.txt");
    expect(await readlink(join(dst, "dangling"))).toBe("/nowhere/at/all");
    const copied = await lstat(join(dst, "sparse.img"));
    expect(copied.size).toBe(8 * 1024 * 1024 + 4);
    expect(copied.blocks * 512).toBeLessThan(1024 * 1024);
    const bytes = await readFile(join(dst, "sparse.img"));
    expect(bytes.subarray(0, 4).toString()).toBe("head");
    expect(bytes.subarray(8 * 1024 * 1024).toString()).toBe("tail");
    expect(stats).toMatchObject({ hardLinks: 1, symlinks: 2, sparseFiles: 1 });
  });
});
