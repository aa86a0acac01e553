/** A status condition as most Kubernetes kinds write it. */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

/**
 * Sets a condition, keeping `lastTransitionTime` when the status does not change (so
 * repeated reconciles write identical status and cause no watch churn).
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: Omit<Condition, "lastTransitionTime">,
  now: string,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === next.type);
  const previous = index >= 0 ? list[index] : undefined;
  const lastTransitionTime =
    previous !== undefined && previous.status === next.status && previous.lastTransitionTime !== undefined
      ? previous.lastTransitionTime
      : now;
  const merged: Condition = { ...next, lastTransitionTime };
  if (previous?.lastUpdateTime !== undefined && next.lastUpdateTime === undefined) {
    merged.lastUpdateTime =
      previous.status === next.status && previous.reason === next.reason ? previous.lastUpdateTime : now;
  }
  if (index >= 0) list[index] = merged;
  else list.push(merged);
  return list;
}

export const conditionStatus = (
  conditions: readonly Condition[] | undefined,
  type: string,
): string | undefined => conditions?.find((c) => c.type === type)?.status;
