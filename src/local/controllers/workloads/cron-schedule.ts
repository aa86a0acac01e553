import { CronExpressionParser } from "cron-parser";

export type CronTimes =
  { ok: true; latest: Date | undefined; next: Date; missed: number } | { ok: false; message: string };

/** More missed start times than this and, like the real controller, only the latest one counts. */
const MAX_MISSED = 100;

/**
 * Pure: the most recent schedule time in (since, now] and the next one after now, as the
 * CronJob controller computes them. Cron macros (`@hourly`) and `timeZone` are supported.
 */
export function cronTimes(
  schedule: string,
  options: { since: Date; now: Date; timeZone?: string },
): CronTimes {
  try {
    const expression = CronExpressionParser.parse(schedule, {
      currentDate: options.since,
      ...(options.timeZone === undefined ? { tz: "UTC" } : { tz: options.timeZone }),
    });
    let latest: Date | undefined;
    let missed = 0;
    for (;;) {
      const next = expression.next().toDate();
      if (next.getTime() > options.now.getTime()) return { ok: true, latest, next, missed };
      latest = next;
      missed += 1;
      if (missed > MAX_MISSED) {
        // Jump ahead: start again just before now rather than walking every missed time.
        const recent = CronExpressionParser.parse(schedule, {
          currentDate: options.now,
          ...(options.timeZone === undefined ? { tz: "UTC" } : { tz: options.timeZone }),
        });
        const previous = recent.prev().toDate();
        const following = CronExpressionParser.parse(schedule, {
          currentDate: options.now,
          ...(options.timeZone === undefined ? { tz: "UTC" } : { tz: options.timeZone }),
        })
          .next()
          .toDate();
        return { ok: true, latest: previous, next: following, missed };
      }
    }
  } catch (err) {
    return {
      ok: false,
      message: `unparseable schedule ${JSON.stringify(schedule)}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
