import { describe, expect, it } from "vitest";
import { repositorySpecOf } from "../../../src/mover/location.js";
import { mapPath, parsePathMap } from "../../../src/mover/path-map.js";
import { dataRuns, isAllZero } from "../../../src/mover/zero.js";

describe("zero detection", () => {
  const withByteAt = (size: number, at: number): Uint8Array => {
    const b = new Uint8Array(size);
    b[at] = 1;
    return b;
  };
  it.each([
    [new Uint8Array(0), true],
    [new Uint8Array(200_000), true],
    [withByteAt(200_000, 0), false],
    [withByteAt(200_000, 131_073), false],
    [withByteAt(200_000, 199_999), false],
  ])("isAllZero #%#", (data, expected) => {
    expect(isAllZero(data)).toBe(expected);
  });

  it.each([
    ["all zeros", new Uint8Array(16384), 0, []],
    ["one byte in the second block", withByteAt(16384, 5000), 0, [[4096, 8192]]],
    ["blocks aligned to the file offset", withByteAt(8192, 100), 4000, [[96, 4096 + 96]]],
    [
      "data at both ends",
      (() => {
        const b = withByteAt(12288, 0);
        b[12287] = 1;
        return b;
      })(),
      0,
      [
        [0, 4096],
        [8192, 12288],
      ],
    ],
  ])("dataRuns: %s", (_name, data, base, runs) => {
    expect(dataRuns(data, base)).toEqual(runs);
  });
});

describe("FERRY_PATH_MAP", () => {
  const map = {
    "/data": "/host/pv1",
    "/data/sub": "/host/other",
    "/dev/termination-log": "/host/term.log",
    "/": "/root-host",
  };
  it.each([
    ["/data", "/host/pv1"],
    ["/data/", "/host/pv1"],
    ["/data/a/b.txt", "/host/pv1/a/b.txt"],
    ["/data/sub/x", "/host/other/x"],
    ["/database", "/root-host/database"],
    ["/dev/termination-log", "/host/term.log"],
  ])("maps %s to %s (longest mount wins)", (path, expected) => {
    expect(mapPath(path, map)).toBe(expected);
  });

  it("is the identity without a map", () => {
    expect(mapPath("/data/x", undefined)).toBe("/data/x");
    expect(parsePathMap(undefined)).toBeUndefined();
  });

  it.each([
    ["not json", /not valid JSON/],
    ["[1]", /JSON object/],
    ['{"relative": "/x"}', /must be absolute/],
    ['{"/a": 3}', /must be absolute and map to a directory/],
  ])("rejects %s", (value, message) => {
    expect(() => parsePathMap(value)).toThrow(message);
  });
});

describe("--repo locations", () => {
  const env = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "s", FERRY_REPOSITORY_KEY: "k" };
  it.each([
    ["/var/repo", {}, { filesystem: { path: "/var/repo" } }],
    ["file:///var/my%20repo", {}, { filesystem: { path: "/var/my repo" } }],
    ["/var/repo", env, { filesystem: { path: "/var/repo" }, encryption: { keyEnv: "FERRY_REPOSITORY_KEY" } }],
    [
      "s3://bucket/pre/fix?endpoint=http://127.0.0.1:9000&region=eu-west-1",
      env,
      {
        s3: {
          bucket: "bucket",
          prefix: "pre/fix",
          endpoint: "http://127.0.0.1:9000",
          region: "eu-west-1",
          forcePathStyle: true,
          credentialsEnv: { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" },
        },
        encryption: { keyEnv: "FERRY_REPOSITORY_KEY" },
      },
    ],
    ["s3://bucket", {}, { s3: { bucket: "bucket" } }],
  ])("%s", (location, environment, spec) => {
    expect(repositorySpecOf(location, { env: environment, keyEnv: "FERRY_REPOSITORY_KEY" })).toEqual(spec);
  });

  it.each([
    ["", /no repository/],
    ["s3://user:pw@bucket/x", /must not contain credentials/],
  ])("rejects %j", (location, message) => {
    expect(() => repositorySpecOf(location, { env: {}, keyEnv: "K" })).toThrow(message);
  });
});
