import { cp, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root, which holds the example desired-state repo. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXAMPLE_FOLDERS = ["clusters", "policies", "environments"];

/** The example desired-state repo's files (path → text), to build variants of in memory. */
export async function exampleFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const folder of EXAMPLE_FOLDERS) {
    for (const dirent of await readdir(join(PROJECT_ROOT, folder), {
      recursive: true,
      withFileTypes: true,
    })) {
      if (!dirent.isFile()) continue;
      const absolute = join(dirent.parentPath, dirent.name);
      files[relative(PROJECT_ROOT, absolute).split(sep).join("/")] = await readFile(absolute, "utf8");
    }
  }
  return files;
}

/** A temp dir holding a copy of the example repo; the caller removes it. */
export async function copyExampleRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-example-"));
  for (const folder of EXAMPLE_FOLDERS)
    await cp(join(PROJECT_ROOT, folder), join(dir, folder), { recursive: true });
  return dir;
}
