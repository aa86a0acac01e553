import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeTree, makeTree } from "./fixture.js";

const root = resolve(import.meta.dirname, "../../..");

function ferry(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, "bin", "ferry.js"), ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("ferry mover (CLI)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-mover-cli-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("backs up and restores through FERRY_PATH_MAP, with JSON lines and the termination log, never printing the key", async () => {
    await makeTree(join(dir, "pv-source"));
    const termination = join(dir, "termination-log");
    const env = {
      FERRY_REPOSITORY: "/repo",
      FERRY_REPOSITORY_KEY: "cli-secret-value",
      FERRY_PATH_MAP: JSON.stringify({
        "/data": join(dir, "pv-source"),
        "/restore": join(dir, "pv-target"),
        "/repo": join(dir, "repo"),
        "/dev/termination-log": termination,
      }),
    };
    const b = await ferry(["mover", "backup", "--source", "/data", "--tag", "pvc=data-0", "--json"], env);
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    const lines = jsonLines(b.stdout);
    expect(lines.slice(0, -1).every((l) => l["type"] === "progress")).toBe(true);
    const result = lines.at(-1)!;
    expect(result).toMatchObject({ type: "result", command: "backup", files: 27, filesNew: 27 });
    expect(result["snapshotId"]).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(await readFile(termination, "utf8"))).toEqual(result);

    const r = await ferry(
      [
        "mover",
        "restore",
        "--snapshot",
        String(result["snapshotId"]).slice(0, 12),
        "--target",
        "/restore",
        "--json",
      ],
      env,
    );
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({
      type: "result",
      command: "restore",
      snapshotId: result["snapshotId"],
      files: 27,
    });
    expect((await describeTree(join(dir, "pv-target"))).entries).toEqual(
      (await describeTree(join(dir, "pv-source"))).entries,
    );

    const s = await ferry(["mover", "snapshots", "--json"], env);
    expect(jsonLines(s.stdout)[0]).toMatchObject({
      type: "result",
      snapshots: [{ id: result["snapshotId"], tags: { pvc: "data-0" } }],
    });
    for (const out of [b, r, s]) expect(out.stdout + out.stderr).not.toContain("cli-secret-value");
  });

  it.each([
    [
      ["mover", "restore", "--snapshot", "latest", "--target", "/t", "--mode", "sideways"],
      2,
      /--mode must be swap or mirror/,
    ],
  ])("fails clearly: %j", async (args, code, message) => {
    await writeFile(join(dir, "k"), "key");
    const out = await ferry([...args, "--repo", join(dir, "repo"), "--key-file", join(dir, "k")], {});
    expect(out.code).toBe(code);
    expect(out.stderr).toMatch(message);
    expect(out.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
