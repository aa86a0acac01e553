import { describe, expect, it } from "vitest";
import { authHeaders, credentialsFromEnv, redactUrl } from "../../../src/gitops/git/auth.js";
import { remediationBranch } from "../../../src/gitops/git/remediation-branch.js";
import { parsePushEvent } from "../../../src/gitops/webhook/push-event.js";

const SHA = "c".repeat(40);

describe("git credentials", () => {
  it.each([
    ["https://user:secret@example.test/repo.git", "https://example.test/repo.git"],
    ["https://example.test/repo.git", "https://example.test/repo.git"],
    ["http://x-access-token:ghp_abc@127.0.0.1:8080/a.git", "http://127.0.0.1:8080/a.git"],
    ["not a url //user:pw@host/x", "not a url //host/x"],
  ])("redacts %s", (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it("sends the token as Basic auth and reads it from the named variable", () => {
    const credentials = credentialsFromEnv("GIT_TOKEN", { GIT_TOKEN: "t0k3n" });
    expect(credentials).toEqual({ token: "t0k3n" });
    expect(authHeaders(credentials)).toEqual({
      Authorization: `Basic ${Buffer.from("x-access-token:t0k3n").toString("base64")}`,
    });
    expect(authHeaders(undefined)).toEqual({});
    expect(credentialsFromEnv(undefined, {})).toBeUndefined();
    expect(() => credentialsFromEnv("GIT_TOKEN", {})).toThrow(/GIT_TOKEN/);
  });
});

describe("push events and branch names", () => {
  it.each([
    [
      JSON.stringify({ ref: "refs/heads/main", after: SHA }),
      { ref: "refs/heads/main", after: SHA, deleted: false },
    ],
    [
      JSON.stringify({ ref: "refs/heads/main", after: "0".repeat(40), deleted: true }),
      { ref: "refs/heads/main", after: "0".repeat(40), deleted: true },
    ],
    [JSON.stringify({ zen: "Keep it logically awesome." }), undefined],
    [JSON.stringify({ ref: "refs/heads/main", after: "not-a-sha" }), undefined],
    ["{not json", undefined],
  ])("parses %s", (body, expected) => {
    expect(parsePushEvent(body)).toEqual(expected);
  });

  it.each([
    [{ kind: "Migration", namespace: "shop", name: "db" }, "ferry/remediate/migration-shop-db"],
    [{ kind: "MigrationSchedule", name: "nightly" }, "ferry/remediate/migrationschedule-nightly"],
  ])("names the remediation branch of %o", (subject, branch) => {
    expect(remediationBranch(subject)).toBe(branch);
  });
});
