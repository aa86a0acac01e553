import { readFile } from "node:fs/promises";
import type { RegisterCommand } from "../main.js";

/** The package version, read from package.json next to src/ or dist/ (both are two levels below it). */
export async function packageVersion(): Promise<string> {
  const text = await readFile(new URL("../../../package.json", import.meta.url), "utf8");
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === "string" ? version : "unknown";
}

/** `ferry version`: prints Ferry's version (also what a local cluster runs to check its Ferry image). */
export const registerVersion: RegisterCommand = (program) => {
  program
    .command("version")
    .description("print Ferry's version")
    .action(async () => {
      process.stdout.write(`ferry ${await packageVersion()}\n`);
    });
};
