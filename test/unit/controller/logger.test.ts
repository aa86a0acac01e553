import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/controller/logger.js";

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { lines, stream };
}

const GH = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

describe("the controller's logger", () => {
  it.each<[string, object, string | undefined, string]>([
    ["a token field", { token: "s3cr3t-value" }, undefined, "s3cr3t-value"],
    [
      "a nested authorization header",
      { request: { headers: { authorization: "Basic Zm9vOmJhcg==" } } },
      undefined,
      "Zm9vOmJhcg==",
    ],
    ["a key field", { repository: { key: "0123456789abcdef" } }, undefined, "0123456789abcdef"],
    [
      "user info in a URL",
      { repo: "https://x-access-token:hunter2hunter2@github.com/a/b.git" },
      undefined,
      "hunter2hunter2",
    ],
    ["a GitHub token in an error", { error: `request failed with ${GH}` }, undefined, GH],
    ["a GitHub token in the message", {}, `bad credentials ${GH}`, GH],
  ])("censors %s", (_what, fields, message, secret) => {
    const { lines, stream } = capture();
    const logger = createLogger({ destination: stream });
    logger.info(fields, message);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain("[REDACTED]");
  });

  it("keeps ordinary fields", () => {
    const { lines, stream } = capture();
    createLogger({ destination: stream })
      .child({ commit: "abc123" })
      .info({ reports: 3 }, "status committed");
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      commit: "abc123",
      reports: 3,
      msg: "status committed",
    });
  });
});
