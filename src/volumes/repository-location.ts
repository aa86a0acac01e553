import { isAbsolute, resolve } from "node:path";
import { FerryError } from "../core/errors.js";
import type { ReplicationRepositorySpec } from "../manifests/types.js";

/**
 * What a mover Job needs to reach the replication repository: the `--repo` location (the
 * inverse of the mover's `repositorySpecOf`) and the secret values its environment needs.
 * Values are read from the controller's environment by the variable names the manifest gives;
 * they go into a Secret on the cluster, never into the Job spec, Git or status.
 */
export interface MoverRepositoryAccess {
  readonly location: string;
  /** Environment of the mover: FERRY_REPOSITORY_KEY, AWS_ACCESS_KEY_ID, … (secret values). */
  readonly secretEnv: Readonly<Record<string, string>>;
}

export function moverRepositoryAccess(
  spec: ReplicationRepositorySpec,
  options: { readonly env: Readonly<Record<string, string | undefined>>; readonly baseDir: string },
): MoverRepositoryAccess {
  const secretEnv: Record<string, string> = {};
  const read = (variable: string, field: string): string => {
    const value = options.env[variable];
    if (value === undefined || value === "") {
      throw new FerryError(
        "Invalid",
        `environment variable ${variable} (named by ${field}) is not set or is empty`,
      );
    }
    return value;
  };
  if (spec.encryption !== undefined) {
    secretEnv["FERRY_REPOSITORY_KEY"] = read(spec.encryption.keyEnv, "spec.encryption.keyEnv");
  }
  if (spec.s3 !== undefined) {
    const s3 = spec.s3;
    const query = new URLSearchParams();
    if (s3.endpoint !== undefined) query.set("endpoint", s3.endpoint);
    if (s3.region !== undefined) query.set("region", s3.region);
    if (s3.forcePathStyle !== undefined) query.set("forcePathStyle", String(s3.forcePathStyle));
    const prefix = (s3.prefix ?? "").replace(/^\/+/, "");
    const q = query.toString();
    if (s3.credentialsEnv !== undefined) {
      const c = s3.credentialsEnv;
      secretEnv["AWS_ACCESS_KEY_ID"] = read(c.accessKeyId, "spec.s3.credentialsEnv.accessKeyId");
      secretEnv["AWS_SECRET_ACCESS_KEY"] = read(c.secretAccessKey, "spec.s3.credentialsEnv.secretAccessKey");
      if (c.sessionToken !== undefined) {
        secretEnv["AWS_SESSION_TOKEN"] = read(c.sessionToken, "spec.s3.credentialsEnv.sessionToken");
      }
    }
    return { location: `s3://${s3.bucket}/${prefix}${q === "" ? "" : `?${q}`}`, secretEnv };
  }
  if (spec.filesystem !== undefined) {
    const path = spec.filesystem.path;
    return { location: isAbsolute(path) ? path : resolve(options.baseDir, path), secretEnv };
  }
  throw new FerryError("Invalid", "the replication repository needs spec.s3 or spec.filesystem");
}
