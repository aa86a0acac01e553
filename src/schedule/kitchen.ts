/**
 * Go's `time.Kitchen` layout (`3:04PM`), as Stork parses policy times: it tries the layout
 * and then its lower-case form, so `1:02PM` and `1:02pm` are valid but `1:02Pm` is not.
 * Like Go, the hour has one or two digits in 0–12 and the minute exactly two.
 */

/** A time of day: hour 0–23, minute 0–59. */
export interface ClockTime {
  readonly hour: number;
  readonly minute: number;
}

const KITCHEN = /^(\d{1,2}):(\d{2})(AM|PM|am|pm)$/;

/** Parses a `time.Kitchen` time, or returns an error message saying what is wrong. */
export function parseKitchen(text: string): { ok: true; value: ClockTime } | { ok: false; error: string } {
  const m = KITCHEN.exec(text);
  if (m === null) {
    return { ok: false, error: `"${text}" is not a time.Kitchen time like 1:02PM or 1:02pm` };
  }
  const [, h = "", mi = "", meridiem = ""] = m;
  const hour12 = Number(h);
  const minute = Number(mi);
  if (hour12 > 12) return { ok: false, error: `"${text}": hour ${hour12} is out of range 1–12` };
  if (minute > 59) return { ok: false, error: `"${text}": minute ${mi} is out of range 00–59` };
  const pm = meridiem.toUpperCase() === "PM";
  // Go: PM adds 12 to hours before noon; 12AM is midnight.
  const hour = pm ? (hour12 < 12 ? hour12 + 12 : 12) : hour12 === 12 ? 0 : hour12;
  return { ok: true, value: { hour, minute } };
}

/** Formats a time of day the way storkctl prints it, e.g. `10:14PM`. */
export function formatKitchen(time: ClockTime): string {
  const hour12 = time.hour % 12 === 0 ? 12 : time.hour % 12;
  return `${hour12}:${String(time.minute).padStart(2, "0")}${time.hour < 12 ? "AM" : "PM"}`;
}
