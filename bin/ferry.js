#!/usr/bin/env node
// Runs the compiled CLI when it exists (npm ci builds it through `prepare`), otherwise
// the TypeScript sources through tsx, so a developer never runs a stale build by accident
// when FERRY_FROM_SOURCE=1 is set.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "cli", "main.js");
if (process.env.FERRY_FROM_SOURCE !== "1" && existsSync(built)) {
  const { main } = await import(pathToFileURL(built).href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  const { tsImport } = await import("tsx/esm/api");
  const { main } = await tsImport(pathToFileURL(join(root, "src", "cli", "main.ts")).href, import.meta.url);
  process.exitCode = await main(process.argv.slice(2));
}
