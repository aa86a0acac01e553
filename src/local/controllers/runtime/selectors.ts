/**
 * A Kubernetes LabelSelector (matchLabels and matchExpressions). Controllers find what they
 * own by controller ownerReference, as the real ones do once objects are adopted, so only the
 * shape is needed here; the store does selector matching for `list`.
 */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
