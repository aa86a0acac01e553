import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { readDaemonInfo, stopDaemon } from "../../../src/local/daemon.js";

const run = promisify(execFile);

async function ferry(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    out += chunk.toString();
    return true;
  };
  try {
    return { code: await main(args), out };
  } finally {
    process.stdout.write = write;
  }
}

/** `ferry local up/status/down` as the README shows them: a background process, state kept. */
describe("ferry local", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-local-cli-"));
  });
  afterAll(async () => {
    await stopDaemon({ dir }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it("starts, reports, stops and restarts with every object kept", async () => {
    const up = await ferry(["local", "up", "--dir", dir, "--clusters", "east-1,west-1"]);
    expect(up.code).toBe(0);
    expect(up.out).toContain("Local clusters started");
    expect(up.out).toMatch(/east-1\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(up.out).toContain("--context east-1 get ns");
    const kubeconfig = join(dir, "kubeconfig");
    const kubectl = async (...args: string[]): Promise<string> =>
      (await run("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args])).stdout;
    expect(await kubectl("--context", "west-1", "get", "ns")).toContain("kube-system");
    await kubectl("--context", "west-1", "create", "configmap", "kept", "--from-literal=a=1");

    const again = await ferry(["local", "up", "--dir", dir, "--clusters", "east-1,west-1"]);
    expect(again.out).toContain("already running");
    const status = await ferry(["local", "status", "--dir", dir]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/west-1\s+http:\/\/127\.0\.0\.1:\d+\s+up\s+\d+/);
    const ports = readDaemonInfo(dir)?.clusters.map((c) => c.port);

    expect((await ferry(["local", "down", "--dir", dir])).out).toContain("Local clusters stopped");
    const down = await ferry(["local", "status", "--dir", dir]);
    expect(down.code).toBe(1);
    expect(down.out).toContain("No local clusters running");

    await ferry(["local", "up", "--dir", dir, "--clusters", "east-1,west-1"]);
    expect(readDaemonInfo(dir)?.clusters.map((c) => c.port)).toEqual(ports);
    expect(await kubectl("--context", "west-1", "get", "configmap", "kept", "-o", "jsonpath={.data.a}")).toBe(
      "1",
    );
    expect((await ferry(["local", "down", "--dir", dir])).code).toBe(0);
  });

  it("rejects bad cluster names as a usage error", async () => {
    const { code } = await ferry(["local", "up", "--dir", dir, "--clusters", "East_1"]);
    expect(code).toBe(2);
  });
});
