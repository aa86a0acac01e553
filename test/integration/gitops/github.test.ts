import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { createOctokitGitHub } from "../../../src/gitops/github/octokit-github.js";
import { gitHubFromEnv } from "../../../src/gitops/github/config.js";
import { startGitHubStub } from "../../helpers/github-stub.js";
import type { GitHubStub } from "../../helpers/github-stub.js";

const TOKEN = "ghp_githubstubgithubstub0123456789abcd";
const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("GitHubPort over octokit against the loopback GitHub stub", () => {
  let stub: GitHubStub;
  beforeEach(async () => {
    stub = await startGitHubStub({ repository: "acme/fleet", token: TOKEN });
  });
  afterEach(async () => {
    await stub.stop();
  });
  const github = (extra: { throttle?: boolean } = {}) =>
    createOctokitGitHub({
      repository: "acme/fleet",
      token: TOKEN,
      baseUrl: stub.url,
      retryAfterBaseValue: 1,
      throttle: false,
      ...extra,
    });

  it("sets a commit status", async () => {
    await github({ throttle: true }).setCommitStatus(SHA, {
      state: "success",
      context: "ferry/reconcile",
      description: "3 objects reconciled",
      targetUrl: "https://example.test/status",
    });
    expect(stub.statuses).toEqual([
      {
        sha: SHA,
        state: "success",
        context: "ferry/reconcile",
        description: "3 objects reconciled",
        target_url: "https://example.test/status",
      },
    ]);
    expect(stub.calls.map((c) => [c.method, c.path, c.authorized])).toEqual([
      ["POST", `/repos/acme/fleet/statuses/${SHA}`, true],
    ]);
  });

  it("creates a PR once, updates it when the text changes, and closes it with a comment", async () => {
    const gh = github();
    const request = {
      head: "ferry/remediate/migration-shop-db",
      base: "main",
      title: "Grow data-db-0",
      body: "Pre-check: actionable",
      labels: ["ferry"],
    };
    const created = await gh.ensurePullRequest(request);
    expect(created).toEqual({ number: 1, url: "https://github.test/acme/fleet/pull/1", outcome: "created" });
    expect(await gh.ensurePullRequest(request)).toEqual({ ...created, outcome: "unchanged" });
    expect(await gh.ensurePullRequest({ ...request, body: "Pre-check: still actionable" })).toEqual({
      ...created,
      outcome: "updated",
    });
    expect(stub.pulls).toHaveLength(1);
    expect(stub.pulls[0]).toMatchObject({ body: "Pre-check: still actionable", labels: [{ name: "ferry" }] });

    expect(await gh.listOpenPullRequests("ferry/remediate/")).toEqual([
      { number: 1, url: created.url, head: request.head, base: "main", title: "Grow data-db-0" },
    ]);
    expect(await gh.closePullRequest(request.head, "No longer needed: the pre-check passes.")).toEqual({
      number: 1,
      url: created.url,
    });
    expect(stub.pulls[0]).toMatchObject({
      state: "closed",
      comments: ["No longer needed: the pre-check passes."],
    });
    expect(await gh.closePullRequest(request.head)).toBeUndefined();
    expect(await gh.listOpenPullRequests("ferry/")).toEqual([]);

    expect(stub.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "GET /repos/acme/fleet/pulls",
      "POST /repos/acme/fleet/pulls",
      "POST /repos/acme/fleet/issues/1/labels",
      "GET /repos/acme/fleet/pulls",
      "GET /repos/acme/fleet/pulls",
      "PATCH /repos/acme/fleet/pulls/1",
      "GET /repos/acme/fleet/pulls",
      "GET /repos/acme/fleet/pulls",
      "POST /repos/acme/fleet/issues/1/comments",
      "PATCH /repos/acme/fleet/pulls/1",
      "GET /repos/acme/fleet/pulls",
      "GET /repos/acme/fleet/pulls",
    ]);
    expect(stub.calls[0]?.query).toEqual({ state: "open", head: "acme:ferry/remediate/migration-shop-db" });
    expect(stub.calls.every((c) => c.authorized)).toBe(true);
  });

  it("retries a failing request through the retry plugin", async () => {
    stub.failNext(502, 2);
    await github().setCommitStatus(SHA, {
      state: "pending",
      context: "ferry/reconcile",
      description: "reconciling",
    });
    expect(stub.calls.map((c) => c.status)).toEqual([502, 502, 201]);
    expect(stub.statuses).toHaveLength(1);
  });

  it("wraps errors into FerryError Remote with the status and without the token", async () => {
    const error = await createOctokitGitHub({
      repository: "acme/fleet",
      token: "ghp_wrongwrongwrongwrongwrongwrong00",
      baseUrl: stub.url,
      throttle: false,
    })
      .setCommitStatus(SHA, { state: "success", context: "c", description: "d" })
      .catch((e: unknown) => e);
    expect(isFerryError(error, "Remote")).toBe(true);
    expect((error as { data: unknown }).data).toMatchObject({ status: 401 });
    expect((error as Error).message).toContain("HTTP 401");
    expect(
      JSON.stringify({ message: (error as Error).message, data: (error as { data: unknown }).data }),
    ).not.toContain("wrongwrong");
  });

  it("redacts credentials from PR bodies and never sends the token in a body", async () => {
    await github().ensurePullRequest({
      head: "ferry/x",
      base: "main",
      title: "t",
      body: `token=${TOKEN} in the log`,
    });
    expect(stub.pulls[0]?.body).toBe("token=[REDACTED] in the log");
    expect(JSON.stringify(stub.calls.map((c) => [c.body, c.headers]))).not.toContain(TOKEN);
  });

  it("is configured from the environment, or not at all", () => {
    expect(gitHubFromEnv({ repository: undefined, env: {} })).toBeUndefined();
    expect(gitHubFromEnv({ repository: "acme/fleet", env: { GITHUB_TOKEN: TOKEN } })?.repository).toBe(
      "acme/fleet",
    );
    expect(() => gitHubFromEnv({ repository: "acme/fleet", env: {} })).toThrow(
      /FERRY_GITHUB_TOKEN, GITHUB_TOKEN/,
    );
    expect(() => createOctokitGitHub({ repository: "acme", token: TOKEN })).toThrow(/owner\/name/);
  });
});
