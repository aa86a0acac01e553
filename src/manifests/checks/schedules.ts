import { cronProblem } from "../../schedule/cron.js";
import { canonicalTimeZone, DEFAULT_TIME_ZONE } from "../../schedule/timezone.js";
import { validateSchedulePolicy } from "../../schedule/validate.js";
import type { CheckContext } from "./context.js";
import { problemAt } from "./problem.js";

/**
 * Schedules read as Ferry will run them: SchedulePolicy rules (Stork's time.Kitchen times,
 * weekdays, monthly dates; cron; IANA zones) through `src/schedule`'s validator, and a
 * VolumeReplication's own cron schedule and time zone.
 */
export function checkSchedules(ctx: CheckContext): void {
  for (const policy of ctx.state.list("SchedulePolicy")) {
    for (const p of validateSchedulePolicy(policy.manifest.policy)) {
      ctx.report(problemAt(policy, ["policy", ...p.path], p.code, p.message));
    }
  }
  // Many replications share a few schedules; parse each (expression, zone) once.
  const cronVerdicts = new Map<string, string | undefined>();
  for (const replication of ctx.state.list("VolumeReplication")) {
    const { schedule, timezone } = replication.manifest.spec;
    let zone = DEFAULT_TIME_ZONE;
    if (timezone !== undefined) {
      const canonical = canonicalTimeZone(timezone);
      if (canonical === undefined) {
        ctx.report(
          problemAt(
            replication,
            ["spec", "timezone"],
            "invalid-timezone",
            `"${timezone}" is not an IANA time zone (e.g. Europe/Berlin)`,
          ),
        );
        continue;
      }
      zone = canonical;
    }
    if (schedule === undefined) continue;
    const key = `${zone}\u0000${schedule}`;
    if (!cronVerdicts.has(key)) cronVerdicts.set(key, cronProblem(schedule, zone));
    const verdict = cronVerdicts.get(key);
    if (verdict !== undefined)
      ctx.report(problemAt(replication, ["spec", "schedule"], "invalid-cron", verdict));
  }
}
