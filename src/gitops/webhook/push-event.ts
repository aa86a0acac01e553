/** What Ferry takes from a GitHub push event: the ref pushed and its new tip. */
export interface PushEvent {
  readonly ref: string;
  readonly after: string;
  readonly deleted: boolean;
}

/** Reads a push event payload; undefined when it is not one (Ferry then ignores the delivery). */
export function parsePushEvent(body: string): PushEvent | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof payload !== "object" || payload === null) return undefined;
  const { ref, after, deleted } = payload as { ref?: unknown; after?: unknown; deleted?: unknown };
  if (typeof ref !== "string" || typeof after !== "string" || !/^[0-9a-f]{40}$/.test(after)) return undefined;
  return { ref, after, deleted: deleted === true || /^0{40}$/.test(after) };
}
