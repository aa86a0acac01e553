import { describe, expect, it } from "vitest";
import type { FerryError } from "../../../src/core/errors.js";
import type { ReplicationRepositorySpec } from "../../../src/manifests/types.js";
import { deriveKey, open, seal } from "../../../src/repository/crypto.js";
import { FsObjectStore } from "../../../src/repository/fs-store.js";
import { openObjectStore } from "../../../src/repository/open-store.js";
import { S3ObjectStore } from "../../../src/repository/s3-store.js";

const env = {
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  FERRY_REPOSITORY_KEY: "repository secret",
  EMPTY: "",
};
const s3 = {
  bucket: "ferry",
  prefix: "prod/",
  region: "eu-west-1",
  endpoint: "http://minio:9000",
  forcePathStyle: true,
  credentialsEnv: { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" },
};

function attempt(spec: ReplicationRepositorySpec): FerryError {
  try {
    openObjectStore(spec, { env, baseDir: "/srv/ferry", name: "ReplicationRepository default" }).close();
  } catch (err) {
    return err as FerryError;
  }
  throw new Error("expected an error");
}

describe("openObjectStore", () => {
  it.each<[string, ReplicationRepositorySpec, string]>([
    [
      "absolute filesystem path",
      { filesystem: { path: "/var/lib/ferry/repo" } },
      "file:///var/lib/ferry/repo",
    ],
    [
      "relative filesystem path (against baseDir)",
      { filesystem: { path: "repo/../data" } },
      "file:///srv/ferry/data",
    ],
    ["s3 with endpoint", { s3 }, "s3://ferry/prod/ (http://minio:9000)"],
    ["s3 on AWS, prefix without slash", { s3: { bucket: "b", prefix: "team" } }, "s3://b/team/"],
    ["s3 with a bare / prefix", { s3: { bucket: "b", prefix: "/" } }, "s3://b/"],
  ])("builds the store for %s", (_name, spec, description) => {
    const opened = openObjectStore(spec, { env, baseDir: "/srv/ferry" });
    expect(opened.store.description).toBe(description);
    expect(opened.store).toBeInstanceOf(spec.s3 === undefined ? FsObjectStore : S3ObjectStore);
    expect(opened.key).toBeUndefined();
    opened.close();
  });

  it("derives the repository key from the variable encryption.keyEnv names", () => {
    const opened = openObjectStore(
      { filesystem: { path: "/r" }, encryption: { keyEnv: "FERRY_REPOSITORY_KEY" } },
      { env, baseDir: "/" },
    );
    if (opened.key === undefined) throw new Error("no key");
    const sealed = seal(deriveKey("repository secret"), Buffer.from("check"));
    expect(Buffer.from(open(opened.key, sealed)).toString()).toBe("check");
  });

  it.each<[string, ReplicationRepositorySpec, RegExp]>([
    ["neither backend", {}, /exactly one of spec.s3 or spec.filesystem/],
    ["both backends", { s3, filesystem: { path: "/r" } }, /exactly one of spec.s3 or spec.filesystem/],
    ["an empty path", { filesystem: { path: "" } }, /spec.filesystem.path is empty/],
    ["an empty bucket", { s3: { bucket: "" } }, /spec.s3.bucket is empty/],
    ["a prefix with a .. segment", { s3: { bucket: "b", prefix: "a/../b" } }, /invalid object key prefix/],
    [
      "an unset key variable",
      { filesystem: { path: "/r" }, encryption: { keyEnv: "NOT_SET" } },
      /environment variable NOT_SET \(named by spec.encryption.keyEnv\) is not set/,
    ],
    [
      "an empty credential variable",
      { s3: { ...s3, credentialsEnv: { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "EMPTY" } } },
      /environment variable EMPTY \(named by spec.s3.credentialsEnv.secretAccessKey\) is not set or is empty/,
    ],
    [
      "an unset session token variable",
      { s3: { ...s3, credentialsEnv: { ...s3.credentialsEnv, sessionToken: "AWS_SESSION_TOKEN" } } },
      /AWS_SESSION_TOKEN \(named by spec.s3.credentialsEnv.sessionToken\)/,
    ],
  ])("rejects %s as Invalid, naming the field and never a value", (_name, spec, message) => {
    const error = attempt(spec);
    expect(error.code).toBe("Invalid");
    expect(error.message).toMatch(message);
    expect(error.message).toContain("ReplicationRepository default");
    for (const value of Object.values(env)) if (value !== "") expect(error.message).not.toContain(value);
  });
});
