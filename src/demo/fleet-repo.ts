/**
 * The demo's desired-state repo: a local Git repository (isomorphic-git, no git binary
 * needed) holding a copy of the project's `clusters/`, `policies/` and `environments/`.
 */
import * as fs from "node:fs";
import { cpSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import git from "isomorphic-git";
import type { CommitAuthor } from "../gitops/git/commit.js";

export const EXAMPLE_FOLDERS = ["clusters", "policies", "environments"] as const;

/** The project root holding the example desired state (from src/demo or dist/demo). */
export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
}

/** Creates `dir` as a Git repo on `main` with the example folders committed; returns the commit. */
export async function createFleetRepo(options: {
  readonly dir: string;
  readonly from?: string;
  readonly author: CommitAuthor;
}): Promise<string> {
  const { dir } = options;
  const from = options.from ?? projectRoot();
  mkdirSync(dir, { recursive: true });
  await git.init({ fs, dir, defaultBranch: "main" });
  for (const folder of EXAMPLE_FOLDERS) cpSync(join(from, folder), join(dir, folder), { recursive: true });
  for (const folder of EXAMPLE_FOLDERS) {
    for (const entry of readdirSync(join(dir, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/");
      await git.add({ fs, dir, filepath: path });
    }
  }
  return git.commit({
    fs,
    dir,
    message: "Fleet: the example desired state",
    author: { name: options.author.name, email: options.author.email },
  });
}
