import type { PolicyType } from "./types.js";

/**
 * The name of a run a schedule starts, as Stork names them:
 * `<schedule>-<policy type>-<yyyy-mm-dd-hhmmss>` with the start time in UTC, e.g.
 * `mysqlmigrationschedule-interval-2019-02-16-004052`.
 */
export function runName(schedule: string, type: PolicyType, startedAt: Date): string {
  const iso = startedAt.toISOString(); // 2019-02-16T00:40:52.000Z
  const stamp = `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${schedule}-${type}-${stamp}`;
}
