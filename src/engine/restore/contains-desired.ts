/**
 * "Does the live object already say what Ferry would write?" Every field of the desired
 * object must be present and equal in the live one; fields only the live object has (uid,
 * status, server defaults, a Service's clusterIP) are the server's and are ignored. Arrays
 * must have the same length and match element by element. A desired `null` matches an
 * absent field, as server-side apply treats it.
 */
import { isRecord } from "../kube-object.js";

/** The first path where `live` does not contain `desired`, or undefined when it does. */
export function firstDifference(
  desired: unknown,
  live: unknown,
  ignore: (path: readonly (string | number)[]) => boolean = () => false,
  path: (string | number)[] = [],
): string | undefined {
  if (ignore(path)) return undefined;
  if (desired === null && live === undefined) return undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return show(path);
    for (let i = 0; i < desired.length; i++) {
      const diff = firstDifference(desired[i], live[i], ignore, [...path, i]);
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  if (isRecord(desired)) {
    if (!isRecord(live)) return show(path);
    for (const [key, value] of Object.entries(desired)) {
      const diff = firstDifference(value, live[key], ignore, [...path, key]);
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  return Object.is(desired, live) ? undefined : show(path);
}

function show(path: readonly (string | number)[]): string {
  return path.length === 0 ? "." : path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}
