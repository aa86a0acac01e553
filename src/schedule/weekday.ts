/**
 * Weekday names as Stork accepts them (its `Days` map): long or short, capitalised or
 * lower-case (`Sunday`, `Sun`, `sunday`, `sun`), plus `Thur` and `Thurs`. `SUNDAY` is not.
 */

export const WEEKDAY_NAMES = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
] as const;

const DAYS: ReadonlyMap<string, number> = new Map(
  WEEKDAY_NAMES.flatMap((name, index) => {
    const spellings = [name, name.slice(0, 3)];
    if (name === "Thursday") spellings.push("Thur", "Thurs");
    return spellings.flatMap((s): [string, number][] => [
      [s, index],
      [s.toLowerCase(), index],
    ]);
  }),
);

/** 0 = Sunday … 6 = Saturday, or undefined when Stork would reject the name. */
export function parseWeekday(text: string): number | undefined {
  return DAYS.get(text);
}
