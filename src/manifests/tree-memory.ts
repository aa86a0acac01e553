import type { TreeEntry, TreeSource } from "./types.js";

/**
 * A TreeSource over files held in memory (path → text or bytes): for tests, benchmarks and
 * trees built on the fly.
 */
export function memoryTree(
  files: Readonly<Record<string, string | Uint8Array>>,
  description = "memory",
): TreeSource {
  const encoder = new TextEncoder();
  const bytes = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(files)) {
    bytes.set(path, typeof content === "string" ? encoder.encode(content) : content);
  }
  return {
    description,
    list(): Promise<readonly TreeEntry[]> {
      const entries = [...bytes].map(([path, b]) => ({ path, size: b.byteLength }));
      return Promise.resolve(entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
    },
    read(path: string): Promise<Uint8Array> {
      const b = bytes.get(path);
      return b === undefined ? Promise.reject(new Error(`no file ${path}`)) : Promise.resolve(b);
    },
  };
}
