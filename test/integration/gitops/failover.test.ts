import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { main } from "../../../src/cli/main.js";
import { prepareRoleSwap } from "../../../src/gitops/failover/prepare-role-swap.js";
import { openGitRemote } from "../../../src/gitops/git/open-remote.js";
import { createOctokitGitHub } from "../../../src/gitops/github/octokit-github.js";
import { startGitHttpServer, runGit } from "../../helpers/git-http-server.js";
import type { GitHttpServer } from "../../helpers/git-http-server.js";
import { startGitHubStub } from "../../helpers/github-stub.js";
import type { GitHubStub } from "../../helpers/github-stub.js";

const TOKEN = "ghp_failoverfailoverfailover0123456789";
const GH_TOKEN = "ghp_githubgithubgithubgithub0123456789";
const clock: Clock = { now: () => new Date("2026-11-21T06:00:00Z"), sleep: () => Promise.resolve() };
const example = mkdtempSync(join(tmpdir(), "ferry-example-"));
for (const folder of ["clusters", "policies", "environments"])
  cpSync(folder, join(example, folder), { recursive: true });

describe("failover and failback against the example desired-state repo", () => {
  let server: GitHttpServer;
  let stub: GitHubStub;
  let cache: string;
  beforeEach(async () => {
    server = await startGitHttpServer({ token: TOKEN });
    stub = await startGitHubStub({ repository: "acme/fleet", token: GH_TOKEN });
    cache = mkdtempSync(join(tmpdir(), "ferry-cache-"));
  });
  afterEach(async () => {
    await server.stop();
    await stub.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it("pushes ferry/failover/<name> with the roles swapped and opens one PR", async () => {
    const url = server.createRepo("fleet", example);
    const remote = await openGitRemote({ repo: url, cacheDir: cache, tokenEnv: "T", env: { T: TOKEN } });
    const github = createOctokitGitHub({
      repository: "acme/fleet",
      token: GH_TOKEN,
      baseUrl: stub.url,
      throttle: false,
    });
    const request = { direction: "failover" as const, name: "pg-dr", baseBranch: "main", push: true };
    const result = await prepareRoleSwap({ remote, clock, github }, request);
    expect(result).toMatchObject({
      file: "environments/prod/shop-volumes.yaml",
      branch: "ferry/failover/pg-dr",
      source: { cluster: "west-1", volumeGroup: "pg" },
      target: { cluster: "east-1", volumeGroup: "pg" },
      pushed: { outcome: "created" },
      pullRequest: { number: 1, outcome: "created" },
    });
    const diff = server.git("fleet", ["diff", "main", "ferry/failover/pg-dr"]);
    expect(diff.split("\n").filter((l) => /^[-+][^-+]/.test(l))).toEqual([
      "-  source: { cluster: east-1, volumeGroup: pg }",
      "-  target: { cluster: west-1, volumeGroup: pg }",
      "+  source: { cluster: west-1, volumeGroup: pg }",
      "+  target: { cluster: east-1, volumeGroup: pg }",
    ]);
    expect(stub.pulls[0]).toMatchObject({
      title: "Fail over shop/pg-dr: west-1 becomes the source",
      head: { ref: "ferry/failover/pg-dr" },
      base: { ref: "main" },
      labels: [{ name: "ferry" }, { name: "failover" }],
    });

    // Running it again changes nothing: the branch and the PR are reused.
    const again = await prepareRoleSwap({ remote, clock, github }, request);
    expect(again.pushed?.outcome).toBe("unchanged");
    expect(again.pullRequest?.outcome).toBe("unchanged");
    expect(stub.pulls).toHaveLength(1);
    expect(JSON.stringify(stub.calls)).not.toContain(GH_TOKEN);
    expect(JSON.stringify(stub.calls)).not.toContain(TOKEN);
  });

  it("names the VolumeReplication it cannot find", async () => {
    const url = server.createRepo("fleet", example);
    const remote = await openGitRemote({ repo: url, cacheDir: cache, tokenEnv: "T", env: { T: TOKEN } });
    await expect(
      prepareRoleSwap(
        { remote, clock },
        { direction: "failback", name: "nope", baseBranch: "main", push: false },
      ),
    ).rejects.toThrow(/no VolumeReplication nope at main/);
  });

  it("ferry failback on a local repo prints the change, and --push creates the branch", async () => {
    const work = mkdtempSync(join(tmpdir(), "ferry-local-"));
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => (out.push(chunk), true);
    try {
      cpSync(example, work, { recursive: true });
      runGit(work, ["init", "-q", "-b", "main"]);
      runGit(work, ["add", "-A"]);
      runGit(work, ["commit", "-q", "-m", "example"]);
      expect(await main(["failback", "pg-dr", "--repo", work])).toBe(0);
      expect(out.join("")).toContain("branch ferry/failback/pg-dr not pushed (dry run)");
      expect(out.join("")).toMatch(/: - +source: \{ cluster: east-1, volumeGroup: pg \}/);
      expect(() => runGit(work, ["rev-parse", "--verify", "-q", "ferry/failback/pg-dr"])).toThrow();

      expect(await main(["failback", "pg-dr", "--repo", work, "--push"])).toBe(0);
      expect(runGit(work, ["show", "ferry/failback/pg-dr:environments/prod/shop-volumes.yaml"])).toContain(
        "source: { cluster: west-1, volumeGroup: pg }",
      );
      expect(await main(["failover", "missing", "--repo", work])).toBe(1);
    } finally {
      process.stdout.write = write;
      rmSync(work, { recursive: true, force: true });
    }
  });
});
