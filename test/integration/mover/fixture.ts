import { createHash, randomBytes } from "node:crypto";
import {
  chmod,
  chown,
  lchown,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  symlink,
  truncate,
  utimes,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";

/** A deterministic-enough mixed tree: random and compressible files, a sparse file, links, empty dirs. */
export async function makeTree(root: string): Promise<void> {
  await mkdir(join(root, "data", "deep", "er"), { recursive: true });
  await mkdir(join(root, "empty", "nested-empty"), { recursive: true });
  await writeFile(join(root, "data", "random-3m.bin"), randomBytes(3 * 1024 * 1024));
  await writeFile(join(root, "data", "random-700k.bin"), randomBytes(700 * 1024));
  await writeFile(join(root, "data", "text.log"), "ferry moves volumes\n".repeat(20000));
  await writeFile(join(root, "data", "empty-file"), "");
  for (let i = 0; i < 20; i++)
    await writeFile(join(root, "data", "deep", `small-${i}.txt`), randomBytes(100 + i * 997));
  await writeFile(join(root, "data", "deep", "er", "secret.key"), randomBytes(32));
  await chmod(join(root, "data", "deep", "er", "secret.key"), 0o600);
  await writeFile(join(root, "data", "run.sh"), "#!/bin/sh\necho hi\n");
  await chmod(join(root, "data", "run.sh"), 0o755);
  await chmod(join(root, "data", "deep", "er"), 0o700);
  // Owners are restored when running as root (as the mover Job does); only root can chown.
  if (process.getuid?.() === 0) {
    await chown(join(root, "data", "run.sh"), 1234, 5678);
    await lchown(join(root, "data"), 4321, 8765);
  }
  // A 16 MiB sparse file with 1 MiB of data at 5 MiB and 4 KiB at the very end.
  const sparse = join(root, "sparse.img");
  await writeFile(sparse, "");
  await truncate(sparse, 16 * 1024 * 1024);
  const fh = await open(sparse, "r+");
  await fh.write(randomBytes(1024 * 1024), 0, 1024 * 1024, 5 * 1024 * 1024);
  await fh.write(randomBytes(4096), 0, 4096, 16 * 1024 * 1024 - 4096);
  await fh.close();
  // Hard links: two names in one dir, a third elsewhere.
  await link(join(root, "data", "random-700k.bin"), join(root, "data", "hard-a"));
  await link(join(root, "data", "random-700k.bin"), join(root, "empty-sibling-hard"));
  await symlink("data/text.log", join(root, "link-rel"));
  await symlink("/nonexistent/target", join(root, "link-dangling"));
  await symlink("deep", join(root, "data", "link-dir"));
  await utimes(join(root, "data", "text.log"), 1_600_000_000.123, 1_600_000_000.123456);
  await utimes(join(root, "data", "deep"), 1_500_000_000, 1_500_000_000.5);
}

export interface EntryInfo {
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  readonly size?: number;
  readonly sha?: string;
  readonly mtimeMs?: number;
  readonly target?: string;
  /** Rel path of the first name of the inode (same for every hard link). */
  readonly inode?: string;
  readonly uid: number;
  readonly gid: number;
}

/** Everything a faithful copy must preserve, by relative path; plus allocated blocks per file. */
export async function describeTree(
  root: string,
): Promise<{ entries: Record<string, EntryInfo>; blocks: Record<string, number> }> {
  const entries: Record<string, EntryInfo> = {};
  const blocks: Record<string, number> = {};
  const inodes = new Map<number, string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = await lstat(path);
      const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      if (st.isDirectory()) {
        entries[r] = { type: "dir", ...base, mtimeMs: Math.floor(st.mtimeMs) };
        await walk(path, r);
      } else if (st.isSymbolicLink()) {
        entries[r] = { type: "symlink", ...base, target: await readlink(path) };
      } else {
        const first = inodes.get(st.ino) ?? r;
        inodes.set(st.ino, first);
        const sha = createHash("sha256")
          .update(await readFile(path))
          .digest("hex");
        entries[r] = {
          type: "file",
          ...base,
          size: st.size,
          sha,
          mtimeMs: Math.floor(st.mtimeMs),
          inode: first,
        };
        blocks[r] = st.blocks;
      }
    }
  };
  await walk(root, "");
  return { entries, blocks };
}
