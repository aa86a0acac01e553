/**
 * A comparable description of a directory tree for tests: every entry's type, mode, size,
 * content hash, symlink target, hard-link group and mtime. Two trees are byte-identical when
 * their digests are equal.
 */
import { createHash } from "node:crypto";
import { lstat, readFile, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

export interface TreeEntry {
  readonly path: string;
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  readonly size?: number;
  readonly sha256?: string;
  readonly target?: string;
  /** For files with several links: the first path of the inode (sorted walk). */
  readonly linkOf?: string;
  readonly mtimeMs?: number;
}

export async function treeDigest(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const inodes = new Map<number, string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const full = join(dir, name);
      const path = rel === "" ? name : `${rel}/${name}`;
      const st = await lstat(full, { bigint: true });
      const mode = Number(st.mode) & 0o7777;
      if (st.isSymbolicLink()) {
        out.push({ path, type: "symlink", mode: 0, target: await readlink(full) });
      } else if (st.isDirectory()) {
        out.push({ path, type: "dir", mode });
        await walk(full, path);
      } else if (st.isFile()) {
        const ino = Number(st.ino);
        const first = st.nlink > 1n ? inodes.get(ino) : undefined;
        if (st.nlink > 1n && first === undefined) inodes.set(ino, path);
        out.push({
          path,
          type: "file",
          mode,
          size: Number(st.size),
          sha256: createHash("sha256")
            .update(await readFile(full))
            .digest("hex"),
          mtimeMs: Number(st.mtimeNs / 1_000_000n),
          ...(first === undefined ? {} : { linkOf: first }),
        });
      }
    }
  };
  await walk(root, "");
  return out;
}

/**
 * The differences between two digests, empty when equal. Modification times may differ by
 * up to `mtimeToleranceMs`: Node sets times through floating-point seconds, which is exact
 * to about a microsecond, so a copy's time can land in the neighbouring millisecond.
 */
export function treeDifferences(
  expected: readonly TreeEntry[],
  actual: readonly TreeEntry[],
  mtimeToleranceMs = 2,
): string[] {
  const out: string[] = [];
  const byPath = new Map(actual.map((e) => [e.path, e]));
  for (const e of expected) {
    const a = byPath.get(e.path);
    byPath.delete(e.path);
    if (a === undefined) {
      out.push(`missing ${e.path}`);
      continue;
    }
    const { mtimeMs: em, ...eRest } = e;
    const { mtimeMs: am, ...aRest } = a;
    if (JSON.stringify(eRest) !== JSON.stringify(aRest))
      out.push(`differs ${e.path}: ${JSON.stringify(aRest)}`);
    if (em !== undefined && (am === undefined || Math.abs(am - em) > mtimeToleranceMs)) {
      out.push(`mtime of ${e.path}: ${String(am)} instead of ${em}`);
    }
  }
  for (const path of byPath.keys()) out.push(`unexpected ${path}`);
  return out;
}
