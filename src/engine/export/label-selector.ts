/**
 * Kubernetes label-selector semantics over plain data. @kubernetes/client-node only passes a
 * selector string to the server; it has no matcher, so the engine has this small one for
 * filtering exported objects and for the string form the cluster adapter sends when listing.
 */
import type { LabelSelector } from "../../manifests/types.js";

/**
 * True when `labels` satisfy `selector` (all `matchLabels` and all `matchExpressions`).
 * An absent or empty selector matches everything, as in Kubernetes list calls.
 */
export function matchesLabelSelector(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (selector === undefined) return true;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, req.key);
    const value = have[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!present || value === undefined || !values.includes(value)) return false;
        break;
      case "NotIn":
        // Kubernetes: NotIn matches objects that lack the key.
        if (present && value !== undefined && values.includes(value)) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
    }
  }
  return true;
}

/**
 * The selector as the `labelSelector` query string the API server accepts
 * (`app=shop,tier in (db,web),!legacy`); `""` selects everything.
 */
export function labelSelectorToString(selector: LabelSelector | undefined): string {
  if (selector === undefined) return "";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) parts.push(`${key}=${value}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].join(",");
    switch (req.operator) {
      case "In":
        parts.push(`${req.key} in (${values})`);
        break;
      case "NotIn":
        parts.push(`${req.key} notin (${values})`);
        break;
      case "Exists":
        parts.push(req.key);
        break;
      case "DoesNotExist":
        parts.push(`!${req.key}`);
        break;
    }
  }
  return parts.join(",");
}
