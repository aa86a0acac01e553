import type { DesiredState, Problem } from "../types.js";
import { createCheckContext } from "./context.js";
import { checkFleets } from "./fleets.js";
import { checkMigrations } from "./migrations.js";
import { checkRepositories } from "./repositories.js";
import { checkSchedules } from "./schedules.js";
import { checkVolumeGroups } from "./volume-groups.js";
import { checkVolumes } from "./volumes.js";

/**
 * The checks across objects, over schema-valid objects: references resolve, fleets and
 * clusters agree, migrations stay within their fleet, volume groups (and their capacity) and
 * PVC maps fit, schedules (and repositories' prune schedules) parse. Pure; every problem in one
 * pass. Duplicates are found by the loader.
 */
export function checkDesiredState(state: DesiredState): Problem[] {
  const problems: Problem[] = [];
  const ctx = createCheckContext(state, problems);
  checkFleets(ctx);
  checkMigrations(ctx);
  checkVolumeGroups(ctx);
  checkVolumes(ctx);
  checkSchedules(ctx);
  checkRepositories(ctx);
  return problems;
}
