/**
 * The fingerprint of what Ferry writes. Stored on the object in `ferry.dev/desired-hash`, it
 * tells a later run whether the *source* changed — including fields removed at the source,
 * which comparing the live object alone cannot see. The backup annotation is left out: it
 * changes every run, and a run that changes nothing else must write nothing.
 */
import { createHash } from "node:crypto";
import { cloneObject, isRecord, type KubeObject } from "../kube-object.js";
import { BACKUP_ANNOTATION, DESIRED_HASH_ANNOTATION } from "../ferry-metadata.js";

/** Annotations that never count as a difference. */
export const VOLATILE_ANNOTATIONS: readonly string[] = [BACKUP_ANNOTATION, DESIRED_HASH_ANNOTATION];

/** JSON with object keys sorted at every level, so equal objects hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** SHA-256 (hex, first 32 characters) of the object without its volatile annotations. */
export function desiredHash(obj: KubeObject): string {
  const copy = cloneObject(obj);
  const annotations = copy.metadata.annotations;
  if (annotations !== undefined) {
    for (const key of VOLATILE_ANNOTATIONS) delete annotations[key];
    if (Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  }
  return createHash("sha256").update(canonicalJson(copy)).digest("hex").slice(0, 32);
}

/** A copy of `obj` carrying its desired hash. */
export function withDesiredHash(obj: KubeObject): KubeObject {
  const copy = cloneObject(obj);
  copy.metadata.annotations = { ...copy.metadata.annotations, [DESIRED_HASH_ANNOTATION]: desiredHash(obj) };
  return copy;
}
