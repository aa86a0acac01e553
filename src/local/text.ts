/** A scalar as text (numbers and booleans too); anything else is `fallback`. */
export function text(value: unknown, fallback = ""): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return fallback;
}
