/**
 * The real `ferry reconcile --once` CLI on a copy of the example repo: an invalid commit is
 * reported on ferry/status (with file and line) and exits 1 without touching a cluster (none
 * is running); usage errors exit 2.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExampleRepo } from "../../helpers/example-repo.js";
import { runFerry, type FerryRun } from "../../helpers/ferry-cli.js";
import { runGit } from "../../helpers/git-http-server.js";

function ferry(args: string[], cwd: string): Promise<FerryRun> {
  return runFerry(args, { cwd });
}

describe("ferry reconcile --once", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExampleRepo();
    const file = join(dir, "environments/prod/shop-migration.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(
      file,
      text.replace("targets: [{ cluster: west-1 }, { cluster: west-2 }]", "targets: [{ cluster: mars-1 }]"),
    );
    runGit(dir, ["init", "-q", "-b", "main"]);
    runGit(dir, ["add", "-A"]);
    runGit(dir, ["commit", "-q", "-m", "broken target"]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reports an invalid commit on the status branch and exits 1", async () => {
    const result = await ferry(["reconcile", "--once", "--repo", "."], dir);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^reconciled [0-9a-f]{12}: INVALID/);
    expect(result.stdout).toContain("report-invalid");
    expect(result.stdout).toMatch(/status: committed [0-9a-f]{12} on ferry\/status/);
    const report = runGit(dir, ["show", "ferry/status:status/_validation.yaml"]);
    expect(report).toContain("file: environments/prod/shop-migration.yaml");
    expect(report).toContain("mars-1");
    expect(runGit(dir, ["ls-tree", "-r", "--name-only", "ferry/status"])).toBe("status/_validation.yaml");

    const again = await ferry(["reconcile", "--once", "--repo", "."], dir);
    expect(again.stdout).toContain("0 action(s)");
    expect(again.stdout).toContain("status: nothing to commit");
    expect(runGit(dir, ["rev-list", "--count", "ferry/status"])).toBe("1");
  }, 60_000);

  it("writes the reports into status/ on the desired-state branch itself with --status-branch main", async () => {
    const before = runGit(dir, ["rev-parse", "main"]);
    const result = await ferry(["reconcile", "--once", "--repo", ".", "--status-branch", "main"], dir);
    expect(result.code, result.stderr).toBe(1);
    expect(runGit(dir, ["rev-parse", "main~1"])).toBe(before);
    expect(runGit(dir, ["show", "main:status/_validation.yaml"])).toContain("mars-1");
    // The status commit is a new tip; reconciling it finds its own report and commits nothing.
    const again = await ferry(["reconcile", "--once", "--repo", ".", "--status-branch", "main"], dir);
    expect(again.stdout).toContain("status: nothing to commit");
    expect(runGit(dir, ["rev-parse", "main~1"])).toBe(before);
  }, 60_000);

  it.each([
    [["reconcile", "--once"], /required option '--repo/],
    [
      ["reconcile", "--once", "--repo", ".", "--concurrency", "0"],
      /--concurrency: expected a positive integer/,
    ],
  ])(
    "%j is a usage error",
    async (args, message) => {
      const result = await ferry(args, dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    },
    30_000,
  );
});
