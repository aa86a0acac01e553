#!/usr/bin/env node
// Runs the compiled CLI when it exists (npm ci builds it through `prepare`), otherwise
// the TypeScript sources through tsx, so a developer never runs a stale build by accident
// when FERRY_FROM_SOURCE=1 is set.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `ferry mover …` runs as a Job on every replication run: it loads only its own command
// (src/cli/commands/mover.ts, moverMain), not the whole CLI, which takes seconds to load.
const [entry, name] =
  process.argv[2] === "mover" ? [["cli", "commands", "mover"], "moverMain"] : [["cli", "main"], "main"];
const built = join(root, "dist", ...entry) + ".js";
if (process.env.FERRY_FROM_SOURCE !== "1" && existsSync(built)) {
  const module = await import(pathToFileURL(built).href);
  process.exitCode = await module[name](process.argv.slice(2));
} else {
  const { tsImport } = await import("tsx/esm/api");
  const module = await tsImport(pathToFileURL(join(root, "src", ...entry) + ".ts").href, import.meta.url);
  process.exitCode = await module[name](process.argv.slice(2));
}
