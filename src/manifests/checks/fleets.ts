import { fleetClaims } from "../fleet.js";
import type { CheckContext } from "./context.js";
import { problemAt } from "./problem.js";

/**
 * Clusters and fleets agree: a cluster's `spec.fleet` names a fleet that lists or selects it,
 * and every cluster a fleet lists exists and names that fleet back.
 */
export function checkFleets(ctx: CheckContext): void {
  const { state } = ctx;
  for (const cluster of state.list("Cluster")) {
    const { fleet: fleetName } = cluster.manifest.spec;
    if (!ctx.resolves(cluster, ["spec", "fleet"], "Fleet", fleetName)) continue;
    const fleet = state.get("Fleet", fleetName);
    if (
      fleet !== undefined &&
      fleet.manifest.spec.selector !== undefined &&
      !fleetClaims(fleet.manifest.spec, cluster.manifest)
    ) {
      ctx.report(
        problemAt(
          cluster,
          ["spec", "fleet"],
          "not-in-fleet",
          `fleet ${fleetName}'s selector does not match this cluster's labels`,
        ),
      );
    }
  }
  for (const fleet of state.list("Fleet")) {
    const { clusters, selector } = fleet.manifest.spec;
    clusters?.forEach((name, i) => {
      if (!ctx.resolves(fleet, ["spec", "clusters", i], "Cluster", name)) return;
      const cluster = state.get("Cluster", name);
      if (cluster !== undefined && cluster.manifest.spec.fleet !== fleet.manifest.metadata.name) {
        ctx.report(
          problemAt(
            fleet,
            ["spec", "clusters", i],
            "not-in-fleet",
            `cluster ${name} belongs to fleet ${cluster.manifest.spec.fleet} (its spec.fleet), not ${fleet.manifest.metadata.name}`,
          ),
        );
      }
    });
    if (clusters !== undefined) {
      const listed = new Set(clusters);
      for (const cluster of state.list("Cluster")) {
        const { name } = cluster.manifest.metadata;
        if (cluster.manifest.spec.fleet === fleet.manifest.metadata.name && !listed.has(name)) {
          ctx.report(
            problemAt(
              cluster,
              ["spec", "fleet"],
              "not-in-fleet",
              `fleet ${fleet.manifest.metadata.name} does not list ${name} in spec.clusters`,
            ),
          );
        }
      }
    }
    if (
      selector !== undefined &&
      !state.list("Cluster").some((c) => ctx.isMember(fleet.manifest.metadata.name, c.manifest.metadata.name))
    ) {
      ctx.report(
        problemAt(
          fleet,
          ["spec", "selector"],
          "not-in-fleet",
          "the selector matches no cluster of this fleet",
          "warning",
        ),
      );
    }
  }
}
