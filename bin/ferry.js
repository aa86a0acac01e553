#!/usr/bin/env node
// Runs the compiled CLI (npm ci builds it through `prepare`, npm test through `pretest`) unless
// it is missing or older than the TypeScript sources beside it, in which case the sources run
// through tsx: a developer never runs a stale build by accident. FERRY_FROM_SOURCE=1 forces
// the sources. An installed package ships no src/, so it always runs dist/.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `ferry mover …` runs as a Job on every replication run: it loads only its own command
// (src/cli/commands/mover.ts, moverMain), not the whole CLI, which takes seconds to load.
const [entry, name] =
  process.argv[2] === "mover" ? [["cli", "commands", "mover"], "moverMain"] : [["cli", "main"], "main"];
const built = join(root, "dist", ...entry) + ".js";

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtIsFresh() {
  if (!existsSync(built)) return false;
  const sources = join(root, "src");
  return !existsSync(sources) || statSync(built).mtimeMs >= newestMtime(sources);
}

if (process.env.FERRY_FROM_SOURCE !== "1" && builtIsFresh()) {
  const module = await import(pathToFileURL(built).href);
  process.exitCode = await module[name](process.argv.slice(2));
} else {
  const { tsImport } = await import("tsx/esm/api");
  const module = await tsImport(pathToFileURL(join(root, "src", ...entry) + ".ts").href, import.meta.url);
  process.exitCode = await module[name](process.argv.slice(2));
}
