import { fleetClaims } from "../fleet.js";
import type { DesiredState, Kind, LoadedObject, Problem } from "../types.js";
import type { FieldPath } from "../types.js";
import { problemAt } from "./problem.js";

/** What every check receives: the state, a sink for problems, and memoised lookups. */
export interface CheckContext {
  readonly state: DesiredState;
  report(problem: Problem): void;
  /** Reports an unresolved reference and returns false when `name` names no object of `kind`. */
  resolves(object: LoadedObject, path: FieldPath, kind: Kind, name: string, namespace?: string): boolean;
  /** Whether a cluster is a member of a fleet (see `fleetMembers`). */
  isMember(fleet: string, cluster: string): boolean;
}

export function createCheckContext(state: DesiredState, problems: Problem[]): CheckContext {
  const members = new Map<string, Set<string>>();
  const membersOf = (fleetName: string): Set<string> => {
    let set = members.get(fleetName);
    if (set === undefined) {
      const fleet = state.get("Fleet", fleetName);
      set = new Set(
        fleet === undefined
          ? []
          : state
              .list("Cluster")
              .filter(
                (c) => c.manifest.spec.fleet === fleetName && fleetClaims(fleet.manifest.spec, c.manifest),
              )
              .map((c) => c.manifest.metadata.name),
      );
      members.set(fleetName, set);
    }
    return set;
  };
  return {
    state,
    report: (problem) => problems.push(problem),
    resolves(object, path, kind, name, namespace) {
      if (state.get(kind, name, namespace) !== undefined) return true;
      const scope = namespace === undefined ? "" : ` in namespace ${namespace}`;
      const known = state
        .list(kind)
        .filter((o) => o.manifest.metadata.namespace === namespace)
        .map((o) => o.manifest.metadata.name);
      const hint =
        known.length === 0 ? "" : `; known: ${known.slice(0, 5).join(", ")}${known.length > 5 ? ", …" : ""}`;
      problems.push(
        problemAt(object, path, "unresolved-reference", `no ${kind} named "${name}"${scope}${hint}`),
      );
      return false;
    },
    isMember: (fleet, cluster) => membersOf(fleet).has(cluster),
  };
}
