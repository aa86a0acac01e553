import type { FieldPath } from "./types.js";

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["spec", "targets", 1, "cluster"]` → `spec.targets[1].cluster`; odd keys are quoted: `pvcMap["data-pg-0"]`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
