import { FerryError } from "../core/errors.js";

/**
 * Object keys are `/`-separated relative paths. Both backends enforce the same rules so a
 * repository written to a folder can be copied to a bucket (and back) unchanged, and so a
 * key can never escape the folder it names.
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key, false);
  if (problem !== undefined) {
    throw new FerryError("Invalid", `invalid object key ${JSON.stringify(key)}: ${problem}`, {
      data: { key },
    });
  }
}

/** Like `assertValidKey`, for a list prefix: may be empty and may end with `/`. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === "") return;
  const problem = keyProblem(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix, true);
  if (problem !== undefined) {
    throw new FerryError("Invalid", `invalid object key prefix ${JSON.stringify(prefix)}: ${problem}`, {
      data: { prefix },
    });
  }
}

function keyProblem(key: string, isPrefix: boolean): string | undefined {
  if (key === "") return "it is empty";
  if (key.includes("\\")) return "it contains a backslash";
  if (key.includes("\0")) return "it contains a NUL character";
  if (key.startsWith("/")) return "it is an absolute path";
  const segments = key.split("/");
  for (const [i, segment] of segments.entries()) {
    if (segment === "") return "it has an empty path segment";
    if (segment === "." || segment === "..") return `it has a "${segment}" segment`;
    // A prefix's last segment may be a partial name; every full segment is a file or folder name.
    if (segment.startsWith(TEMP_MARKER) && !(isPrefix && i === segments.length - 1)) {
      return `segments starting with ${TEMP_MARKER} are reserved`;
    }
  }
  return undefined;
}

/** Names starting with this are the filesystem backend's in-flight temporary files. */
export const TEMP_MARKER = ".ferry-tmp-";
