import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { backup } from "../../../src/mover/backup.js";
import { BlobType } from "../../../src/mover/pack.js";
import { PackSession } from "../../../src/mover/pack-session.js";
import { MoverRepository } from "../../../src/mover/repository.js";
import { restore } from "../../../src/mover/restore.js";
import { saveSnapshot } from "../../../src/mover/snapshot.js";
import { encodeTree, type TreeNode } from "../../../src/mover/tree.js";
import { deriveKey, sha256Hex } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import { describeTree } from "./fixture.js";

describe("restore of a tampered repository", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-tamper-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([{ encrypted: true }, { encrypted: false }])(
    "fails with Integrity naming the file and leaves the previous copy intact (encrypted $encrypted)",
    async ({ encrypted }) => {
      const src = join(dir, "src");
      await mkdir(join(src, "db"), { recursive: true });
      await writeFile(join(src, "db", "table.dat"), randomBytes(2 * 1024 * 1024));
      const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
      const key = encrypted ? deriveKey("tamper") : undefined;
      const first = await backup({ store, key, source: src });
      const target = join(dir, "target");
      await restore({ store, key, snapshot: first.snapshotId, target });
      const previous = await describeTree(target);

      // A second snapshot with new data; then one byte of its data pack flips on disk.
      await writeFile(join(src, "db", "table.dat"), randomBytes(2 * 1024 * 1024));
      const second = await backup({ store, key, source: src, parent: first.snapshotId });
      const packsDir = join(dir, "repo", "packs");
      const packFiles = (await readdir(packsDir, { recursive: true, withFileTypes: true })).filter((e) =>
        e.isFile(),
      );
      const sizes = await Promise.all(
        packFiles.map(async (e) => ({
          path: join(e.parentPath, e.name),
          bytes: await readFile(join(e.parentPath, e.name)),
        })),
      );
      const newest = sizes.filter((p) => p.bytes.length > 1024 * 1024);
      for (const pack of newest) {
        pack.bytes[1000]! ^= 0xff;
        await writeFile(pack.path, pack.bytes);
      }

      const failure = await restore({ store, key, snapshot: second.snapshotId, target }).catch(
        (e: unknown) => e,
      );
      expect(isFerryError(failure, "Integrity")).toBe(true);
      expect((failure as Error).message).toMatch(
        /restoring db\/table\.dat: chunk [0-9a-f]{64} in pack [0-9a-f]{64} (is corrupt|does not match)/,
      );
      expect(await describeTree(target)).toEqual(previous);
      expect((await readdir(dir)).sort()).toEqual(["repo", "src", "target"]);
    },
  );

  it.each([
    ["a name with a slash", { name: "../escape", type: "symlink", target: "x" }],
    ["a '..' name", { name: "..", type: "symlink", target: "x" }],
    ["a hard link out of the snapshot", { name: "h", type: "hardlink", link: "../../etc/passwd" }],
  ])("refuses a tree with %s", async (_name, evil) => {
    const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
    const repo = await MoverRepository.open(store, {});
    const session = new PackSession({ repo, compression: "off" });
    const node = { mode: 0o644, uid: 0, gid: 0, mtime: "0", ...evil };
    const bytes = encodeTree({ nodes: [node as TreeNode] });
    await session.add(BlobType.Tree, sha256Hex(bytes), bytes);
    await session.flush();
    const { id } = await saveSnapshot(repo, {
      version: 1,
      time: new Date(0).toISOString(),
      hostname: "h",
      source: "/s",
      tree: sha256Hex(bytes),
      root: { mode: 0o755, uid: 0, gid: 0, mtime: "0" },
      tags: {},
      stats: {
        files: 0,
        dirs: 0,
        filesNew: 0,
        filesChanged: 0,
        filesUnmodified: 0,
        bytesTotal: 0,
        bytesRead: 0,
        bytesUploaded: 0,
        chunksNew: 0,
        chunkBytesNew: 0,
        durationMs: 0,
      },
    });
    const failure = await restore({ store, snapshot: id, target: join(dir, "t") }).catch((e: unknown) => e);
    expect(isFerryError(failure, "Integrity")).toBe(true);
    expect((failure as Error).message).toMatch(/outside the target/);
    expect((await readdir(dir)).sort()).toEqual(["repo"]);
  });

  it("refuses a snapshot root that was edited", async () => {
    const src = join(dir, "src");
    await mkdir(src);
    await writeFile(join(src, "f"), "x");
    const store = new FsObjectStore({ root: join(dir, "repo"), fsync: false });
    const { snapshotId } = await backup({ store, source: src });
    const file = join(dir, "repo", "snapshots", `${snapshotId}.json`);
    await writeFile(file, (await readFile(file, "utf8")).replace('"source":"', '"source":"/elsewhere'));
    await expect(restore({ store, snapshot: snapshotId, target: join(dir, "t") })).rejects.toThrow(
      /does not match its id/,
    );
  });
});
