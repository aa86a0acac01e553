/**
 * Remediation proposals without GitHub: the executor's remediation port over a local Git
 * repository (the real git CLI checks the result). The branch is pushed, updated rather
 * than duplicated, and deleted when withdrawn; no PR is involved.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { gitRemediation } from "../../../src/gitops/executor/remediation.js";
import { openGitRemote } from "../../../src/gitops/git/open-remote.js";
import { runGit } from "../../helpers/git-http-server.js";

const FILE = "environments/prod/shop.yaml";
const MIGRATION =
  "kind: Migration\nmetadata: {name: shop}\nspec:\n  targets: [{cluster: west-1}] # keep me\n";

describe("remediation branches without GitHub", () => {
  let dir: string;
  let base: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ferry-remediate-"));
    runGit(dir, ["init", "-q", "-b", "main"]);
    mkdirSync(join(dir, "environments/prod"), { recursive: true });
    writeFileSync(join(dir, FILE), MIGRATION);
    runGit(dir, ["add", "-A"]);
    runGit(dir, ["commit", "-q", "-m", "shop"]);
    base = runGit(dir, ["rev-parse", "HEAD"]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("pushes the branch, keeps it on a repeat, and deletes it when withdrawn", async () => {
    const port = gitRemediation({ remote: await openGitRemote({ repo: dir }), clock: systemClock });
    const fixed = `${MIGRATION}  storageClassMapping: {fast-ssd: standard}\n`;
    const request = {
      subject: { kind: "Migration", name: "shop" },
      base,
      baseBranch: "main",
      changes: [{ path: FILE, content: fixed }],
      title: "ferry: remediate pre-checks (1 manifest change(s)): shop",
      body: "Ferry's pre-checks found problems that block the migration.",
    };
    const record = await port.propose(request);
    expect(record.branch).toBe("ferry/remediate/migration-shop");
    expect(record.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(record.pullRequest).toBeUndefined();
    expect(runGit(dir, ["show", `${record.branch}:${FILE}`])).toBe(fixed.trimEnd());
    expect(runGit(dir, ["rev-parse", `${record.branch}~1`])).toBe(base);
    expect(runGit(dir, ["log", "-1", "--format=%s", record.branch])).toBe(request.title);

    const again = await port.propose(request);
    expect(again.commit).toBe(record.commit);

    await port.withdraw(record.branch, "no longer needed");
    expect(runGit(dir, ["branch", "--list", "ferry/*"])).toBe("");
  });
});
