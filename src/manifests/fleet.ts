import { matchesSelector } from "./selector.js";
import type { Cluster, DesiredState, FleetSpec, LoadedObject } from "./types.js";

/**
 * The clusters of a fleet: those that name it in `spec.fleet` and that the fleet lists in
 * `spec.clusters` or selects with `spec.selector`. Both sides must agree; the checks report
 * a cluster that only one side claims. Empty when the fleet does not exist.
 */
export function fleetMembers(state: DesiredState, fleetName: string): readonly LoadedObject<Cluster>[] {
  const fleet = state.get("Fleet", fleetName);
  if (fleet === undefined) return [];
  return state
    .list("Cluster")
    .filter((c) => c.manifest.spec.fleet === fleetName && fleetClaims(fleet.manifest.spec, c.manifest));
}

/** Whether a fleet's spec lists or selects a cluster, regardless of the cluster's own `spec.fleet`. */
export function fleetClaims(spec: FleetSpec, cluster: Cluster): boolean {
  if (spec.clusters !== undefined) return spec.clusters.includes(cluster.metadata.name);
  if (spec.selector !== undefined) return matchesSelector(spec.selector, cluster.metadata.labels);
  return false;
}
