import { parseMaxUnused } from "../../mover/prune-plan.js";
import { cronProblem } from "../../schedule/cron.js";
import { canonicalTimeZone, DEFAULT_TIME_ZONE } from "../../schedule/timezone.js";
import type { CheckContext } from "./context.js";
import { problemAt } from "./problem.js";

/**
 * Replication repositories' `spec.maintenance`, read as the controller and the prune Job will
 * read it: the cron schedule in its zone, `maxUnused` through `ferry mover prune`'s own parser,
 * and the cluster that runs the Job.
 */
export function checkRepositories(ctx: CheckContext): void {
  for (const repository of ctx.state.list("ReplicationRepository")) {
    const maintenance = repository.manifest.spec.maintenance;
    if (maintenance === undefined) continue;
    const at = (field: string): string[] => ["spec", "maintenance", field];
    ctx.resolves(repository, at("cluster"), "Cluster", maintenance.cluster);
    let zone = DEFAULT_TIME_ZONE;
    if (maintenance.timezone !== undefined) {
      const canonical = canonicalTimeZone(maintenance.timezone);
      if (canonical === undefined) {
        ctx.report(
          problemAt(
            repository,
            at("timezone"),
            "invalid-timezone",
            `"${maintenance.timezone}" is not an IANA time zone (e.g. Europe/Berlin)`,
          ),
        );
      } else zone = canonical;
    }
    const cron = cronProblem(maintenance.pruneSchedule, zone);
    if (cron !== undefined) ctx.report(problemAt(repository, at("pruneSchedule"), "invalid-cron", cron));
    if (maintenance.maxUnused !== undefined && parseMaxUnused(maintenance.maxUnused) === undefined) {
      ctx.report(
        problemAt(
          repository,
          at("maxUnused"),
          "invalid-value",
          `"${maintenance.maxUnused}" is not a percentage from 0% to 100% or unlimited`,
        ),
      );
    }
  }
}
