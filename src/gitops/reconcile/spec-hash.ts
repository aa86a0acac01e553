/**
 * The fingerprint of a Migration's (or MigrationSchedule's) spec, recorded in its status
 * report: a reconcile starts a Migration again only when this changes, so formatting,
 * comments or moving the manifest to another file start nothing.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../engine/restore/desired-hash.js";

/** SHA-256 (hex, first 16 characters) of the spec in canonical JSON. */
export function specHash(spec: unknown): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 16);
}
