import type { VolumeReplication, VolumeReplicationRetention } from "../../manifests/types.js";
import { parseDuration } from "../../mover/retention.js";
import type { PlannedAction } from "../types.js";

/** What the driver keeps when a replication names no retention (src/volumes/retention-step.ts). */
const DEFAULT_KEEP_LAST = 7;

/**
 * A change of a VolumeReplication's `spec.retention` in words, or undefined when it did not
 * change. A policy that may keep fewer snapshots is a warning: the next cycle forgets them.
 */
export function describeRetentionChange(
  base: VolumeReplication,
  head: VolumeReplication,
): { readonly part: string; readonly severity: PlannedAction["severity"] } | undefined {
  const before = base.spec.retention;
  const after = head.spec.retention;
  if (words(before) === words(after)) return undefined;
  const fewer = mayKeepFewer(
    before ?? { keepLast: DEFAULT_KEEP_LAST },
    after ?? { keepLast: DEFAULT_KEEP_LAST },
  );
  const part = `repository retention changed from ${words(before)} to ${words(after)}`;
  return fewer
    ? {
        part: `${part}; the next cycle forgets the older snapshots (their data is freed by the next prune)`,
        severity: "warning",
      }
    : { part, severity: "info" };
}

function words(retention: VolumeReplicationRetention | undefined): string {
  if (retention === undefined)
    return `the newest ${DEFAULT_KEEP_LAST} mover snapshots of each PVC (the default)`;
  const { keepLast, keepWithin } = retention;
  if (keepWithin === undefined) return `the newest ${keepLast ?? 0} mover snapshots of each PVC`;
  const within = `within ${keepWithin} of each PVC's newest`;
  return keepLast === undefined
    ? `the mover snapshots ${within}`
    : `the newest ${keepLast} mover snapshots of each PVC and any ${within}`;
}

/** A policy keeps the union of its rules, so it keeps no fewer only when neither rule shrank. */
function mayKeepFewer(before: VolumeReplicationRetention, after: VolumeReplicationRetention): boolean {
  const ms = (d: string | undefined): number => {
    if (d === undefined) return 0;
    const parsed = parseDuration(d);
    return parsed.ok ? parsed.value : 0;
  };
  return (after.keepLast ?? 0) < (before.keepLast ?? 0) || ms(after.keepWithin) < ms(before.keepWithin);
}
