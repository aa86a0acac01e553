import type { LabelSelector } from "./types.js";

/** Whether labels match a Kubernetes label selector (all of matchLabels and matchExpressions). */
export function matchesSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> = {},
): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const value = labels[key];
    const ok =
      operator === "In"
        ? has && values.includes(value ?? "")
        : operator === "NotIn"
          ? !has || !values.includes(value ?? "")
          : operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}
