import { formatPath } from "./diff.js";
import { displayName } from "./keys.js";
import { redactField } from "./redact.js";
import type { ChangeType, FieldChange, ObjectDiff, Plan } from "./types.js";

/** `2 to add, 1 to change, 1 to remove` — or `no changes`. */
export function summaryLine(plan: Plan): string {
  const count = (c: ChangeType): number => plan.diff.objects.filter((o) => o.change === c).length;
  const [added, changed, removed] = [count("added"), count("changed"), count("removed")];
  if (added + changed + removed === 0) return "no changes";
  return `${added} to add, ${changed} to change, ${removed} to remove`;
}

/** A field value for people, redacted: strings quoted, absent as `(none)`, objects as compact JSON. */
export function showValue(path: readonly (string | number)[], value: unknown): string {
  if (value === undefined) return "(none)";
  const shown = redactField(path, value);
  const text = JSON.stringify(shown) ?? String(shown);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

export function fieldRow(field: FieldChange): { path: string; before: string; after: string } {
  return {
    path: formatPath(field.path),
    before: showValue(field.path, field.before),
    after: showValue(field.path, field.after),
  };
}

export function objectLabel(o: ObjectDiff): string {
  return `${o.key.kind} ${displayName(o.key)}`;
}

export function locationText(o: ObjectDiff): string {
  return o.location === undefined ? "" : `${o.location.file}:${o.location.line}`;
}

export const CHANGE_SIGN: Readonly<Record<ChangeType, string>> = { added: "+", changed: "~", removed: "-" };
