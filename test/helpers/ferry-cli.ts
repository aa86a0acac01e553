import { execFile } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "./example-repo.js";

/** The real `ferry` bin of this checkout (dist when fresh, else the sources; see bin/ferry.js). */
export const FERRY_BIN = join(PROJECT_ROOT, "bin", "ferry.js");

export interface FerryRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ferry ARGS` as a user would; never rejects: resolves with the exit code and output. */
export function runFerry(
  args: readonly string[],
  options: { cwd?: string; env?: Readonly<Record<string, string>>; timeoutMs?: number } = {},
): Promise<FerryRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [FERRY_BIN, ...args],
      {
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        env: { ...process.env, NO_COLOR: "1", ...options.env },
        timeout: options.timeoutMs ?? 150_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    );
  });
}
