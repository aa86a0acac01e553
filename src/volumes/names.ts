/**
 * Names of the objects a cycle creates. Job names become the `job-name` label of their pods,
 * so every name here stays within a label value's 63 characters.
 */
import { createHash } from "node:crypto";

/** `<replication>-<yyyymmddhhmmss>` (UTC), at most 45 characters. */
export function cycleId(replication: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${trimName(replication, 30)}-${stamp}`;
}

/** Name of a cycle's object: `<cycle>-<role><index>[-<attempt>]`, e.g. `pg-dr-20261121061500-b0-1`. */
export function cycleObjectName(cycle: string, role: string, index: number, attempt?: number): string {
  return attempt === undefined ? `${cycle}-${role}${index}` : `${cycle}-${role}${index}-${attempt}`;
}

/** The group label value of a cycle's target snapshots. */
export function targetGroupOf(cycle: string): string {
  return `${cycle}-t`;
}

/** A label-safe name of at most `max` characters; long names keep a hash of the whole. */
export function trimName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, max - 7).replace(/[-.]+$/, "")}-${hash}`;
}

/** Labels on everything the driver creates, so cleanup and retention can find it. */
export const REPLICATION_LABEL = "ferry.dev/volume-replication";
export const CYCLE_LABEL = "ferry.dev/replication-cycle";

/** The value of {@link REPLICATION_LABEL} for a replication (label values hold 63 characters). */
export function replicationLabelValue(replication: string): string {
  return trimName(replication, 63);
}
