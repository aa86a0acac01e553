import { isAbsolute, resolve } from "node:path";
import { FerryError, isFerryError } from "../core/errors.js";
import type { ReplicationRepositorySpec } from "../manifests/types.js";
import { deriveKey, type RepositoryKey } from "./crypto.js";
import { FsObjectStore } from "./fs-store.js";
import type { ObjectStore } from "./object-store.js";
import { S3ObjectStore, type S3Credentials } from "./s3-store.js";

/** Environment variables by name, as `process.env` holds them (passed in, never read here). */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface OpenObjectStoreOptions {
  /** Where credential and key variables are looked up: the composition root passes `process.env`. */
  readonly env: Environment;
  /** Relative filesystem paths resolve against this folder (the controller's working directory). */
  readonly baseDir: string;
  /** What to call the repository in errors, e.g. `ReplicationRepository default`. */
  readonly name?: string;
}

export interface OpenedObjectStore {
  readonly store: ObjectStore;
  /** The repository key when `encryption.keyEnv` is set. */
  readonly key: RepositoryKey | undefined;
  /** Releases the backend's sockets (S3); a no-op for a folder. */
  readonly close: () => void;
}

/**
 * Builds the object store a ReplicationRepository spec describes, reading S3 credentials
 * and the encryption key from the environment variables the spec names. Errors name the
 * variable, never its value.
 */
export function openObjectStore(
  spec: ReplicationRepositorySpec,
  options: OpenObjectStoreOptions,
): OpenedObjectStore {
  const what = options.name ?? "the replication repository";
  if ((spec.s3 === undefined) === (spec.filesystem === undefined)) {
    throw new FerryError("Invalid", `${what} must set exactly one of spec.s3 or spec.filesystem`, {
      data: { field: "spec" },
    });
  }
  const key = spec.encryption === undefined ? undefined : keyFrom(spec.encryption.keyEnv, options.env, what);
  if (spec.filesystem !== undefined) {
    const path = spec.filesystem.path;
    if (path === "") {
      throw new FerryError("Invalid", `${what}: spec.filesystem.path is empty`, {
        data: { field: "spec.filesystem.path" },
      });
    }
    const root = isAbsolute(path) ? path : resolve(options.baseDir, path);
    return { store: new FsObjectStore({ root }), key, close: () => undefined };
  }
  const s3 = spec.s3;
  if (s3 === undefined) throw new FerryError("Internal", "unreachable: no backend");
  if (s3.bucket === "") {
    throw new FerryError("Invalid", `${what}: spec.s3.bucket is empty`, {
      data: { field: "spec.s3.bucket" },
    });
  }
  let credentials: S3Credentials | undefined;
  if (s3.credentialsEnv !== undefined) {
    const names = s3.credentialsEnv;
    const sessionToken =
      names.sessionToken === undefined
        ? undefined
        : variable(names.sessionToken, options.env, what, "spec.s3.credentialsEnv.sessionToken");
    credentials = {
      accessKeyId: variable(names.accessKeyId, options.env, what, "spec.s3.credentialsEnv.accessKeyId"),
      secretAccessKey: variable(
        names.secretAccessKey,
        options.env,
        what,
        "spec.s3.credentialsEnv.secretAccessKey",
      ),
      ...(sessionToken === undefined ? {} : { sessionToken }),
    };
  }
  let store: S3ObjectStore;
  try {
    store = new S3ObjectStore({
      bucket: s3.bucket,
      ...(s3.prefix === undefined ? {} : { prefix: s3.prefix }),
      ...(s3.region === undefined ? {} : { region: s3.region }),
      ...(s3.endpoint === undefined ? {} : { endpoint: s3.endpoint }),
      ...(s3.forcePathStyle === undefined ? {} : { forcePathStyle: s3.forcePathStyle }),
      ...(credentials === undefined ? {} : { credentials }),
    });
  } catch (err) {
    // The bucket was checked above, so the prefix is what the store refused.
    if (!isFerryError(err, "Invalid")) throw err;
    throw new FerryError("Invalid", `${what}: spec.s3.prefix: ${err.message}`, {
      data: { field: "spec.s3.prefix" },
      cause: err,
    });
  }
  return { store, key, close: () => store.destroy() };
}

function keyFrom(name: string, env: Environment, what: string): RepositoryKey {
  return deriveKey(variable(name, env, what, "spec.encryption.keyEnv"));
}

function variable(name: string, env: Environment, what: string, field: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new FerryError(
      "Invalid",
      `${what}: environment variable ${name} (named by ${field}) is not set or is empty`,
      { data: { field, variable: name } },
    );
  }
  return value;
}
