import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { isFerryError } from "../../../src/core/errors.js";
import { openGitRemote } from "../../../src/gitops/git/open-remote.js";
import type { GitRemote } from "../../../src/gitops/git/remote.js";
import { createGitSource } from "../../../src/gitops/git/source.js";
import { gitStatusSink, writeStatusCommit } from "../../../src/gitops/git/status-writer.js";
import { statusReportPath } from "../../../src/gitops/git/status-layout.js";
import { pushProposalBranch, remediationBranch } from "../../../src/gitops/git/remediation-branch.js";
import nodeHttp from "isomorphic-git/http/node";
import type { HttpClient } from "isomorphic-git";
import { startGitHttpServer, runGit } from "../../helpers/git-http-server.js";
import type { GitHttpServer } from "../../helpers/git-http-server.js";

const TOKEN = "ghp_statuswriterstatuswriter0123456789";

/** A clock that never sleeps for real and records the backoffs asked for. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date("2026-11-21T06:00:00Z"),
    sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
  };
}

const report = (phase: string): string => `kind: Migration\nphase: ${phase}\n`;

describe("status commits and proposal branches against the real git http-backend", () => {
  let server: GitHttpServer;
  let cache: string;
  let url: string;
  let remote: GitRemote;
  beforeEach(async () => {
    server = await startGitHttpServer({ token: TOKEN });
    cache = mkdtempSync(join(tmpdir(), "ferry-cache-"));
    url = server.createRepo("desired", {
      "environments/prod/shop.yaml": "kind: Migration\nmetadata: {name: shop}\n",
    });
    remote = await openGitRemote({ repo: url, cacheDir: cache, tokenEnv: "T", env: { T: TOKEN } });
  });
  afterEach(async () => {
    await server.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it("writes reports on ferry/status, never an empty commit, and deletes reports", async () => {
    const clock = recordingClock();
    const shop = statusReportPath({ kind: "Migration", namespace: "shop", name: "shop-to-west" });
    const policy = statusReportPath({ kind: "SchedulePolicy", name: "testpolicy" });
    expect([shop, policy]).toEqual([
      "status/migration/shop/shop-to-west.yaml",
      "status/schedulepolicy/testpolicy.yaml",
    ]);
    const first = await writeStatusCommit(
      { remote, clock },
      {
        files: new Map([
          [shop, report("Completed")],
          [policy, report("Failed")],
        ]),
        author: { name: "Ferry Bot", email: "bot@example.test" },
      },
    );
    expect(first.commit).toBe(server.head("desired", "ferry/status"));
    expect(server.git("desired", ["show", `ferry/status:${shop}`])).toBe(report("Completed").trim());
    expect(server.git("desired", ["log", "-1", "--format=%an <%ae>%n%B", "ferry/status"])).toBe(
      "Ferry Bot <bot@example.test>\nferry status: 2 reports updated (Completed 1, Failed 1)\n\n" +
        "Completed    migration/shop/shop-to-west\nFailed       schedulepolicy/testpolicy",
    );
    // The status branch holds reports only: people's branches stay clean.
    expect(
      server.git("desired", ["ls-tree", "-r", "--name-only", "ferry/status"]).split("\n").sort(),
    ).toEqual([shop, policy].sort());
    expect(server.git("desired", ["fsck", "--strict", "--no-progress"])).toBe("");

    const again = await writeStatusCommit(
      { remote, clock },
      { files: new Map([[shop, report("Completed")]]) },
    );
    expect(again).toEqual({ tip: first.commit, changed: [], attempts: 0 });
    expect(server.git("desired", ["rev-list", "--count", "ferry/status"])).toBe("1");

    const removed = await writeStatusCommit({ remote, clock }, { files: new Map([[policy, null]]) });
    expect(removed.changed).toEqual([{ path: policy, deleted: true }]);
    expect(server.git("desired", ["ls-tree", "-r", "--name-only", "ferry/status"])).toBe(shop);
    expect(server.git("desired", ["log", "-1", "--format=%s", "ferry/status"])).toBe(
      "ferry status: 0 reports updated, 1 removed",
    );
  });

  it("re-applies its reports onto another writer's push and keeps both", async () => {
    const clock = recordingClock();
    await writeStatusCommit(
      { remote, clock },
      { files: new Map([["status/migration/a.yaml", report("Running")]]) },
    );
    let raced = false;
    // Another controller replica pushes between our read of the tip and our push.
    const racing: GitRemote = {
      ...remote,
      update: async (request) => {
        if (!raced) {
          raced = true;
          server.commitFiles(
            "desired",
            { "status/migration/b.yaml": report("Completed") },
            { branch: "ferry/status" },
          );
        }
        return remote.update(request);
      },
    };
    const result = await writeStatusCommit(
      { remote: racing, clock, backoffMs: 50 },
      {
        files: new Map([
          ["status/migration/a.yaml", report("Completed")],
          ["status/migration/c.yaml", report("Failed")],
        ]),
      },
    );
    expect(result.attempts).toBe(2);
    expect(clock.sleeps).toEqual([50]);
    const files = server.git("desired", ["ls-tree", "-r", "--name-only", "ferry/status"]).split("\n");
    expect(files).toEqual(["status/migration/a.yaml", "status/migration/b.yaml", "status/migration/c.yaml"]);
    expect(server.git("desired", ["show", "ferry/status:status/migration/a.yaml"])).toBe(
      report("Completed").trim(),
    );
    expect(server.git("desired", ["rev-list", "--count", "ferry/status"])).toBe("3");
  });

  it("retries when the server itself refuses a stale push (another writer between advertisement and pack)", async () => {
    const clock = recordingClock();
    const seed = await writeStatusCommit(
      { remote, clock },
      { files: new Map([["status/migration/a.yaml", report("Running")]]) },
    );
    let raced = false;
    const racingHttp: HttpClient = {
      request: async (request) => {
        if (!raced && request.method === "POST" && request.url.endsWith("/git-receive-pack")) {
          raced = true;
          server.commitFiles(
            "desired",
            { "status/migration/b.yaml": report("Completed") },
            { branch: "ferry/status" },
          );
        }
        return nodeHttp.request(request);
      },
    };
    const racing = await openGitRemote({
      repo: url,
      cacheDir: cache,
      tokenEnv: "T",
      env: { T: TOKEN },
      http: racingHttp,
    });
    const result = await writeStatusCommit(
      { remote: racing, clock },
      { files: new Map([["status/migration/c.yaml", report("Failed")]]) },
    );
    expect(raced).toBe(true);
    expect(result.attempts).toBe(2);
    expect(server.git("desired", ["ls-tree", "-r", "--name-only", "ferry/status"]).split("\n")).toEqual([
      "status/migration/a.yaml",
      "status/migration/b.yaml",
      "status/migration/c.yaml",
    ]);
    expect(server.git("desired", ["rev-list", "--count", "ferry/status"])).toBe("3");
    expect(seed.commit).toBeDefined();
  });

  it("reports a refusal that is not a lost race (a server hook) at once, with the server's reason", async () => {
    const clock = recordingClock();
    const hook = join(server.root, "desired.git", "hooks", "pre-receive");
    writeFileSync(hook, "#!/bin/sh\necho 'ferry/status is protected' >&2\nexit 1\n", { mode: 0o755 });
    const error = await writeStatusCommit(
      { remote, clock },
      { files: new Map([["status/x.yaml", report("Completed")]]) },
    ).catch((e: unknown) => e);
    expect(isFerryError(error, "Remote")).toBe(true);
    expect((error as Error).message).toMatch(/cannot push ferry\/status .*pre-receive hook declined/s);
    expect(clock.sleeps).toEqual([]);
    expect(server.head("desired", "ferry/status")).toBeUndefined();
  });

  it("writes a status/ folder on the desired-state branch when asked, leaving the manifests alone", async () => {
    const clock = recordingClock();
    const sink = gitStatusSink(
      { remote, clock },
      { branch: "main", author: { name: "Ferry", email: "f@example.test" } },
    );
    const result = await sink.write(new Map([["status/migration/shop/shop.yaml", report("Completed")]]));
    expect(result.commit).toBe(server.head("desired", "main"));
    // The poll sees Ferry's own status commit once; the next reconcile writes the same reports: no commit.
    const source = createGitSource({ remote, branch: "main" });
    expect((await source.poll()).commit).toBe(result.commit);
    expect(
      (await sink.write(new Map([["status/migration/shop/shop.yaml", report("Completed")]]))).commit,
    ).toBeUndefined();
    expect(server.git("desired", ["ls-tree", "-r", "--name-only", "main"]).split("\n")).toEqual([
      "environments/prod/shop.yaml",
      "status/migration/shop/shop.yaml",
    ]);
  });

  it("updates a remediation branch rather than duplicating it", async () => {
    const clock = recordingClock();
    const source = createGitSource({ remote, branch: "main" });
    const { commit: base } = await source.poll();
    const branch = remediationBranch({ kind: "Migration", namespace: "shop", name: "shop-to-west" });
    expect(branch).toBe("ferry/remediate/migration-shop-shop-to-west");
    const change = {
      path: "environments/prod/shop.yaml",
      content: "kind: Migration\nmetadata: {name: shop}\nspec: {}\n",
    };
    const request = { base: base ?? "", branch, changes: [change], message: "Grow the target PVC" };
    const created = await pushProposalBranch({ remote, clock }, request);
    expect(created.outcome).toBe("created");
    expect(server.head("desired", branch)).toBe(created.commit);
    expect(await pushProposalBranch({ remote, clock }, request)).toEqual({
      commit: created.commit,
      outcome: "unchanged",
    });

    const updated = await pushProposalBranch(
      { remote, clock },
      { ...request, changes: [{ ...change, content: "kind: Migration\n" }] },
    );
    expect(updated.outcome).toBe("updated");
    expect(server.git("desired", ["rev-list", "--count", branch])).toBe("2"); // base + one proposal commit
    expect(server.git("desired", ["show", `${branch}:environments/prod/shop.yaml`])).toBe("kind: Migration");

    // Withdrawn: the branch is deleted on the remote; deleting it again is not an error.
    await remote.remove(branch);
    expect(server.head("desired", branch)).toBeUndefined();
    await remote.remove(branch);
    expect(server.head("desired", "main")).toBe(base);
  });

  it("writes status into a local repository directly, racing a real git push", async () => {
    const clock = recordingClock();
    const work = mkdtempSync(join(tmpdir(), "ferry-local-"));
    try {
      runGit(work, ["init", "-q", "-b", "main"]);
      runGit(work, ["commit", "-q", "--allow-empty", "-m", "desired state"]);
      const local = await openGitRemote({ repo: work });
      const first = await writeStatusCommit(
        { remote: local, clock },
        { files: new Map([["status/migration/a.yaml", report("Running")]]) },
      );
      expect(runGit(work, ["rev-parse", "ferry/status"])).toBe(first.commit);
      const racing: GitRemote = {
        ...local,
        update: async (request) => {
          if (
            request.expected === first.commit &&
            runGit(work, ["rev-parse", "ferry/status"]) === first.commit
          ) {
            runGit(work, ["checkout", "-q", "ferry/status"]);
            writeFileSync(join(work, "status", "migration", "b.yaml"), report("Completed"));
            runGit(work, ["add", "-A"]);
            runGit(work, ["commit", "-q", "-m", "other writer"]);
            runGit(work, ["checkout", "-q", "main"]);
          }
          return local.update(request);
        },
      };
      const second = await writeStatusCommit(
        { remote: racing, clock },
        { files: new Map([["status/migration/c.yaml", report("Failed")]]) },
      );
      expect(second.attempts).toBe(2);
      expect(runGit(work, ["ls-tree", "-r", "--name-only", "ferry/status"]).split("\n")).toEqual([
        "status/migration/a.yaml",
        "status/migration/b.yaml",
        "status/migration/c.yaml",
      ]);
      expect(runGit(work, ["fsck", "--strict", "--no-progress", "--no-dangling"])).toBe("");
      await local.remove("ferry/status");
      expect(() => runGit(work, ["rev-parse", "--verify", "-q", "refs/heads/ferry/status"])).toThrow();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("never puts the token in a commit, a ref or the cache config", async () => {
    const clock = recordingClock();
    await writeStatusCommit({ remote, clock }, { files: new Map([["status/x.yaml", report("Completed")]]) });
    const everything = server.git("desired", ["log", "--all", "-p", "--format=%H %an %ae %B"]);
    expect(everything).not.toContain(TOKEN);
    expect(server.git("desired", ["for-each-ref"])).not.toContain(TOKEN);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(join(cache, ".git", "config"), "utf8")).not.toContain(TOKEN);
  });
});
