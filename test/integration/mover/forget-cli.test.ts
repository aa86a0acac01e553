import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restore } from "../../../src/mover/restore.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import { runFerry } from "../../helpers/ferry-cli.js";
import { describeTree } from "./fixture.js";
import { backupHistory, keys, type Generation } from "./history.js";

const SECRET = "forget-cli-secret";

function result(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
}

describe("ferry mover forget / prune (CLI)", () => {
  let dir: string;
  let repo: string;
  let history: Generation[];
  const env = { FERRY_REPOSITORY_KEY: SECRET };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-forget-cli-"));
    repo = join(dir, "repo");
    const store = new FsObjectStore({ root: repo, fsync: false });
    history = await backupHistory({
      store,
      key: deriveKey(SECRET),
      source: join(dir, "src"),
      generations: 3,
      tags: { replication: "shop.db" },
    });
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a policy it cannot read, naming every problem, and changes nothing", async () => {
    const out = await runFerry(["mover", "forget", "--repo", repo, "--keep-within", "6m", "--tag", "x"], {
      env,
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--keep-within: "6m" is not a duration');
    expect(out.stderr).toContain('--tag "x" is not key=value');
    const prune = await runFerry(["mover", "prune", "--repo", repo, "--max-unused", "lots"], { env });
    expect(prune.code).toBe(2);
    expect(prune.stderr).toContain("--max-unused must be a percentage");
    expect(await keys(new FsObjectStore({ root: repo }), "snapshots/")).toHaveLength(3);
  });

  it("--summary reports counts only, so the result fits a Job's termination message", async () => {
    const args = ["mover", "forget", "--repo", repo, "--keep-last", "2", "--dry-run", "--json"];
    const full = result((await runFerry(args, { env })).stdout);
    expect(full).toMatchObject({ command: "forget", keptCount: 2, removedCount: 1 });
    expect((full["removed"] as { id: string }[]).map((s) => s.id)).toEqual([history[0]?.snapshotId]);
    const out = await runFerry([...args, "--summary"], { env });
    expect(out.code).toBe(0);
    expect(result(out.stdout)).toEqual({
      type: "result",
      command: "forget",
      dryRun: true,
      keptCount: 2,
      removedCount: 1,
      untouched: 0,
    });
    expect(await keys(new FsObjectStore({ root: repo }), "snapshots/")).toHaveLength(3);
  });

  it("dry-runs, then forgets with --prune, and the kept snapshot restores; the key is never printed", async () => {
    const dry = await runFerry(["mover", "prune", "--repo", repo, "--dry-run", "--json"], { env });
    expect(dry.code).toBe(0);
    expect(result(dry.stdout)).toMatchObject({
      type: "result",
      command: "prune",
      dryRun: true,
      packsRemoved: 0,
    });

    const out = await runFerry(
      [
        "mover",
        "forget",
        "--repo",
        repo,
        "--keep-last",
        "1",
        "--tag",
        "replication=shop.db",
        "--prune",
        "--json",
      ],
      { env },
    );
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const r = result(out.stdout);
    expect(r).toMatchObject({
      type: "result",
      command: "forget",
      dryRun: false,
      untouched: 0,
      kept: [
        {
          id: history[2]?.snapshotId,
          reasons: ["last"],
          group: `${join(dir, "src")} replication=shop.db pvc=data-0`,
        },
      ],
    });
    expect((r["removed"] as { id: string }[]).map((s) => s.id).sort()).toEqual(
      history
        .slice(0, 2)
        .map((h) => h.snapshotId)
        .sort(),
    );
    const pruned = r["prune"] as Record<string, number>;
    expect(pruned["packsRemoved"]).toBeGreaterThan(0);
    expect(pruned["indexFilesWritten"]).toBe(1);

    const text = await runFerry(["mover", "prune", "--repo", repo], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^prune: removed 0 packs and repack 0 /);
    for (const o of [dry, out, text]) expect(o.stdout + o.stderr).not.toContain(SECRET);

    const store = new FsObjectStore({ root: repo });
    const target = join(dir, "restored");
    await restore({ store, key: deriveKey(SECRET), snapshot: "latest", target });
    expect((await describeTree(target)).entries).toEqual(history[2]?.entries);
    expect(await keys(store, "locks/")).toEqual([]);
  });
});
