import { lstat, readFile, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { TreeEntry, TreeSource } from "./types.js";

/**
 * A TreeSource over a directory of the file system. Symbolic links are not followed, so a
 * desired-state repo cannot make Ferry read files outside it.
 */
export function directoryTree(dir: string): TreeSource {
  return {
    description: dir,
    async list(under?: readonly string[]): Promise<readonly TreeEntry[]> {
      const roots = under ?? [""];
      const entries: TreeEntry[] = [];
      for (const root of roots) {
        const start = join(dir, root);
        const info = await lstat(start).catch(() => undefined);
        if (info === undefined || !info.isDirectory()) continue;
        for (const dirent of await readdir(start, { recursive: true, withFileTypes: true })) {
          if (!dirent.isFile()) continue;
          const absolute = join(dirent.parentPath, dirent.name);
          const { size } = await lstat(absolute);
          entries.push({ path: relative(dir, absolute).split(sep).join("/"), size });
        }
      }
      return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async read(path: string): Promise<Uint8Array> {
      return readFile(join(dir, ...path.split("/")));
    },
  };
}
