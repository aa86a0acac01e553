/**
 * The fingerprint of what Ferry writes. Stored on the object in `ferry.dev/desired-hash`, it
 * tells a later run whether the *source* changed — including fields removed at the source,
 * which comparing the live object alone cannot see. The backup annotation is left out: it
 * changes every run, and a run that changes nothing else must write nothing.
 */
import { createHash } from "node:crypto";
import type { KubeObject } from "../kube-object.js";
import { BACKUP_ANNOTATION, DESIRED_HASH_ANNOTATION } from "../ferry-metadata.js";

/** Annotations that never count as a difference. */
export const VOLATILE_ANNOTATIONS: readonly string[] = [BACKUP_ANNOTATION, DESIRED_HASH_ANNOTATION];

/** JSON with object keys sorted at every level, so equal objects hash equally. */
export function canonicalJson(value: unknown): string {
  // Hand-written rather than a JSON.stringify replacer: this runs over every object of
  // every run, and rebuilding each nested object to sort it was the engine's hot spot.
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined || typeof v === "function") continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

/** SHA-256 (hex, first 32 characters) of the object without its volatile annotations. */
export function desiredHash(obj: KubeObject): string {
  // A shallow copy is enough: canonicalJson only reads, and this runs for every object.
  const { metadata } = obj;
  const annotations = Object.fromEntries(
    Object.entries(metadata.annotations ?? {}).filter(([k]) => !VOLATILE_ANNOTATIONS.includes(k)),
  );
  const { annotations: _dropped, ...rest } = metadata;
  const hashed = {
    ...obj,
    metadata: Object.keys(annotations).length === 0 ? rest : { ...rest, annotations },
  };
  return createHash("sha256").update(canonicalJson(hashed)).digest("hex").slice(0, 32);
}

/**
 * `obj` with its desired hash in an annotation. Metadata is copied; other fields are shared
 * with `obj` (the engine never mutates its inputs).
 */
export function withDesiredHash(obj: KubeObject): KubeObject {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: { ...obj.metadata.annotations, [DESIRED_HASH_ANNOTATION]: desiredHash(obj) },
    },
  };
}
