import { describe, expect, it } from "vitest";
import { wrapS3Error } from "../../../src/repository/s3-errors.js";

/** An error shaped like the SDK's service exceptions: a name, a message and `$metadata`. */
function sdkError(name: string, message: string, status?: number, code?: string): Error {
  const err = new Error(message);
  err.name = name;
  Object.assign(err, status === undefined ? {} : { $metadata: { httpStatusCode: status } });
  if (code !== undefined) Object.assign(err, { code });
  return err;
}

const where = "s3://ferry/prod/ (http://minio:9000)";

describe("wrapS3Error", () => {
  it.each([
    ["NoSuchKey", sdkError("NoSuchKey", "The specified key does not exist.", 404), "NotFound", 404],
    ["a HEAD 404", sdkError("NotFound", "UnknownError", 404), "NotFound", 404],
    ["NoSuchBucket", sdkError("NoSuchBucket", "The specified bucket does not exist", 404), "Remote", 404],
    ["AccessDenied", sdkError("AccessDenied", "Access Denied", 403), "Remote", 403],
    ["a 500", sdkError("InternalError", "We encountered an internal error.", 500), "Remote", 500],
    [
      "a refused connection",
      sdkError("Error", "connect ECONNREFUSED 127.0.0.1:9", undefined, "ECONNREFUSED"),
      "Remote",
      undefined,
    ],
  ])("wraps %s", (_name, err, code, status) => {
    const wrapped = wrapS3Error(err, { operation: "get", key: "objects/ab/x", where });
    expect(wrapped.code).toBe(code);
    expect(wrapped.data["status"]).toBe(status);
    expect(wrapped.cause).toBe(err);
    expect(wrapped.message).toContain(code === "NotFound" ? "objects/ab/x not found" : where);
  });

  it("never repeats a credential a server echoes back", () => {
    const err = sdkError(
      "InvalidAccessKeyId",
      "The AWS Access Key Id AKIAIOSFODNN7EXAMPLE you provided does not exist; secretAccessKey=wJalrXUtnFEMI",
      403,
    );
    const wrapped = wrapS3Error(err, { operation: "put", key: "k", where });
    expect(wrapped.message).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expect(wrapped.message).not.toContain("wJalrXUtnFEMI");
    expect(wrapped.message).toContain("HTTP 403: InvalidAccessKeyId");
  });
});
