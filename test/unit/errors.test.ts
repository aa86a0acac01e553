import { describe, expect, it } from "vitest";
import { FerryError, errorMessage, redact } from "../../src/core/errors.js";

describe("redact", () => {
  it.each([
    ["https://user:hunter2@github.com/org/repo.git", "https://[REDACTED]@github.com/org/repo.git"],
    ["Authorization: Bearer abcdefghijklmnop", "Authorization: Bearer [REDACTED]"],
    ["token ghp_0123456789abcdefghijABCDEFGHIJ", "token [REDACTED]"],
    ["key AKIAABCDEFGHIJKLMNOP used", "key [REDACTED] used"],
    ['{"secretAccessKey":"wJalrXUtnFEMI"}', '{"secretAccessKey":"[REDACTED]"}'],
    ["password=s3cr3t&x=1", "password=[REDACTED]&x=1"],
    ["nothing secret here", "nothing secret here"],
  ])("redacts %s", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it("keeps code, data and cause on FerryError and redacts its message", () => {
    const cause = new Error("boom");
    const e = new FerryError("Remote", "GET https://u:p4ss@host/x failed", { data: { status: 500 }, cause });
    expect(e.code).toBe("Remote");
    expect(e.data).toEqual({ status: 500 });
    expect(e.cause).toBe(cause);
    expect(errorMessage(e)).toBe("GET https://[REDACTED]@host/x failed");
  });
});
