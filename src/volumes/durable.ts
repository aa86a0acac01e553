import { isDeepStrictEqual } from "node:util";
import type { VolumeReplicationStatus } from "./types.js";

/**
 * Fields a person reads but no reconcile acts on: the lag grows every second, conditions and
 * pre-checks are re-established by every reconcile. Everything else — role, the unfinished
 * cycle and its state, the last consistent copy, a pending resize, a pending stop, the failover
 * proposal, the phase — is what the next reconcile resumes from.
 */
const TRANSIENT = new Set<string>(["conditions", "lagSeconds", "rpoSeconds", "prechecks"]);

/**
 * True when `next` differs from `previous` in something the next reconcile relies on: such a
 * status must be persisted at once, so a controller that dies now resumes from it.
 */
export function durableChange(
  previous: VolumeReplicationStatus | undefined,
  next: VolumeReplicationStatus,
): boolean {
  return previous === undefined || !isDeepStrictEqual(durablePart(previous), durablePart(next));
}

/** The status without its transient fields, as plain JSON (no undefined values, any key order). */
function durablePart(status: VolumeReplicationStatus): unknown {
  const kept = Object.fromEntries(Object.entries(status).filter(([k]) => !TRANSIENT.has(k)));
  return JSON.parse(JSON.stringify(kept)) as unknown;
}
