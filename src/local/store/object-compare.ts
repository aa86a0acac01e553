import type { KubeObject } from "../api.js";

/** Whether anything but metadata and status differs: what bumps `metadata.generation`. */
export function specChanged(before: KubeObject, after: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const { metadata: _m, status: _s, ...rest } = o;
    return JSON.stringify(rest);
  };
  return strip(before) !== strip(after);
}

/** Whether a write changes nothing but resourceVersion and managedFields (a no-op update). */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = o.metadata;
    return JSON.stringify({ ...o, metadata: meta });
  };
  return strip(a) === strip(b);
}

/** Same strings in the same order (an absent list is empty). */
export const sameList = (a: readonly string[], b: readonly string[] | undefined): boolean =>
  a.length === (b ?? []).length && a.every((x, i) => x === b?.[i]);
