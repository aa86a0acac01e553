import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** s3rver accepts any signature; these are the credentials its docs use. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface RunningS3rver {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly buckets: readonly string[];
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

// s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 20's OpenSSL 3
// only offers through the legacy provider; without it every truncated listing is a 500.
// So the server runs in a child process with --openssl-legacy-provider (it also keeps the
// test process's crypto untouched).
const CHILD = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({
  address: "127.0.0.1", port: 0, silent: true, directory: process.env.S3RVER_DIR,
  configureBuckets: JSON.parse(process.env.S3RVER_BUCKETS).map((name) => ({ name })),
});
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + "\\n"),
  (err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); },
);
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
`;

/**
 * Starts s3rver on loopback, on a free port, storing into a fresh temporary folder, with
 * the given buckets already created. Real S3 protocol: tests configure the real SDK against it.
 */
export async function startS3rver(buckets: readonly string[] = ["ferry"]): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), "ferry-s3rver-"));
  const child = spawn(process.execPath, ["--openssl-legacy-provider", "-e", CHILD], {
    env: {
      PATH: process.env["PATH"] ?? "",
      S3RVER_MODULE: createRequire(import.meta.url).resolve("s3rver"),
      S3RVER_DIR: directory,
      S3RVER_BUCKETS: JSON.stringify(buckets),
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit");
  const stop = async (): Promise<void> => {
    // Closing stdin asks the child to exit; the kill is for a child that hangs.
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split("\n")[0];
        if (stdout.includes("\n") && line !== undefined) resolve((JSON.parse(line) as { port: number }).port);
      });
      child.once("exit", (code) => reject(new Error(`s3rver exited with ${String(code)}: ${stderr}`)));
      child.once("error", reject);
    });
    return { endpoint: `http://127.0.0.1:${port}`, buckets, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
