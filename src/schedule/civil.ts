/**
 * Civil (calendar) dates and wall-clock times with no time zone attached. The arithmetic
 * runs on UTC milliseconds because UTC has no gaps or repeats, so adding a day is exact.
 */

/** A calendar date: month 1–12, day 1–31. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A wall-clock reading: a civil date plus hour 0–23, minute 0–59, second 0–59. */
export interface WallTime extends CivilDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const DAY_MS = 86_400_000;

/** Milliseconds of a wall time as if it were UTC: a total order over wall times. */
export function wallMs(t: CivilDate & Partial<WallTime>): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour ?? 0, t.minute ?? 0, t.second ?? 0);
}

function fromMs(ms: number): CivilDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The date `days` after (or before, when negative) `date`. */
export function addDays(date: CivilDate, days: number): CivilDate {
  return fromMs(wallMs(date) + days * DAY_MS);
}

/** The first day of the month `months` after the month of `date`. */
export function addMonths(date: CivilDate, months: number): CivilDate {
  const index = date.year * 12 + (date.month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: CivilDate): number {
  return new Date(wallMs(date)).getUTCDay();
}

/** Gregorian leap year: 2024 and 2000 are, 2100 is not. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The day a monthly date falls on in a month. A date the month lacks rolls over into the
 * next month as Stork (Go's time.Date normalisation) does: Feb 31 → Mar 3, or Mar 2 in a
 * leap year; Apr 31 → May 1.
 */
export function monthlyDate(year: number, month: number, date: number): CivilDate {
  return addDays({ year, month, day: 1 }, date - 1);
}
