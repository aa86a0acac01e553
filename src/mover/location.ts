import { FerryError } from "../core/errors.js";
import type { ReplicationRepositorySpec } from "../manifests/types.js";

/**
 * Turns the mover's `--repo` value into a ReplicationRepository spec: a path (or
 * `file://` URL) is a folder; `s3://bucket/prefix` is S3, with `endpoint`, `region` and
 * `forcePathStyle` as query parameters. Credentials are never part of the location: they
 * come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the SDK's default chain), the key
 * from the variable `keyEnv` names.
 */
export function repositorySpecOf(
  location: string,
  options: { readonly env: Readonly<Record<string, string | undefined>>; readonly keyEnv: string },
): ReplicationRepositorySpec {
  const encryption =
    (options.env[options.keyEnv] ?? "") === "" ? {} : { encryption: { keyEnv: options.keyEnv } };
  if (location === "") throw new FerryError("Usage", "no repository: pass --repo or set FERRY_REPOSITORY");
  if (location.startsWith("s3://")) {
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw new FerryError("Usage", `--repo ${location} is not a valid s3:// URL`);
    }
    if (url.username !== "" || url.password !== "") {
      throw new FerryError(
        "Usage",
        "--repo must not contain credentials; use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      );
    }
    const prefix = decodeURIComponent(url.pathname.replace(/^\//, ""));
    const endpoint = url.searchParams.get("endpoint");
    const region = url.searchParams.get("region");
    const pathStyle = url.searchParams.get("forcePathStyle");
    const hasCredentials = (options.env["AWS_ACCESS_KEY_ID"] ?? "") !== "";
    const hasToken = (options.env["AWS_SESSION_TOKEN"] ?? "") !== "";
    return {
      s3: {
        bucket: url.hostname,
        ...(prefix === "" ? {} : { prefix }),
        ...(endpoint === null ? {} : { endpoint }),
        ...(region === null ? {} : { region }),
        ...(pathStyle === null
          ? endpoint === null
            ? {}
            : { forcePathStyle: true }
          : { forcePathStyle: pathStyle !== "false" }),
        ...(hasCredentials
          ? {
              credentialsEnv: {
                accessKeyId: "AWS_ACCESS_KEY_ID",
                secretAccessKey: "AWS_SECRET_ACCESS_KEY",
                ...(hasToken ? { sessionToken: "AWS_SESSION_TOKEN" } : {}),
              },
            }
          : {}),
      },
      ...encryption,
    };
  }
  const path = location.startsWith("file://") ? decodeURIComponent(new URL(location).pathname) : location;
  return { filesystem: { path }, ...encryption };
}
