import { lstatSync, readFileSync } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { TreeEntry, TreeSource } from "./types.js";

/**
 * A TreeSource over a directory of the file system. Symbolic links are not followed, so a
 * desired-state repo cannot make Ferry read files outside it.
 *
 * Stats and reads are synchronous on purpose: manifests are small files, and for them the
 * promise API's trip through libuv's thread pool costs four to six times the CPU of the read
 * itself (measured by bench/validate.ts); a repo of thousands of files blocks the event loop
 * for tens of milliseconds at most. The controller reads commits through `gitTree` instead.
 */
export function directoryTree(dir: string): TreeSource {
  return {
    description: dir,
    async list(under?: readonly string[]): Promise<readonly TreeEntry[]> {
      const entries: TreeEntry[] = [];
      for (const root of under ?? [""]) {
        const start = join(dir, root);
        const info = await lstat(start).catch(() => undefined);
        if (info === undefined || !info.isDirectory()) continue;
        for (const dirent of await readdir(start, { recursive: true, withFileTypes: true })) {
          if (!dirent.isFile()) continue;
          const absolute = join(dirent.parentPath, dirent.name);
          // Sizes let the loader refuse huge files unread.
          entries.push({
            path: relative(dir, absolute).split(sep).join("/"),
            size: lstatSync(absolute).size,
          });
        }
      }
      return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    read(path: string): Promise<Uint8Array> {
      try {
        return Promise.resolve(readFileSync(join(dir, ...path.split("/"))));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
  };
}
