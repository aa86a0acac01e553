import type { ReplicationRepository, RepositoryMaintenance } from "../../manifests/types.js";

/** A repository's scheduled prune in words ("" when it has none). */
export function maintenanceText(m: RepositoryMaintenance | undefined): string {
  if (m === undefined) return "";
  const zone = m.timezone !== undefined && m.timezone !== "UTC" ? ` (${m.timezone})` : "";
  return `pruned on cron "${m.pruneSchedule}"${zone} by a Job on ${m.cluster} in namespace ${m.namespace ?? "default"}, repacking packs more than ${m.maxUnused ?? "5%"} unused`;
}

/** A change of `spec.maintenance` in words, or undefined when it did not change. */
export function describeMaintenanceChange(
  base: ReplicationRepository,
  head: ReplicationRepository,
): string | undefined {
  const before = maintenanceText(base.spec.maintenance);
  const after = maintenanceText(head.spec.maintenance);
  if (before === after) return undefined;
  if (before === "")
    return `now ${after}; while a prune runs, backups and restores through it are refused (cycles resume after it)`;
  if (after === "")
    return `scheduled prune turned off (was ${before}); forgotten snapshots' data stays until someone prunes`;
  return `now ${after} (was ${before})`;
}
