import type { GroupVersionResource, LocalApi } from "../../api.js";

/**
 * Reads the Kubernetes reason of an error thrown by the store. The store throws errors that
 * carry the HTTP `code` and the Status `reason`; this reads them structurally so the
 * controllers do not depend on the store's error class.
 */
export function apiReason(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { reason?: unknown; code?: unknown; status?: unknown; body?: unknown };
  if (typeof e.reason === "string") return e.reason;
  const status = typeof e.status === "object" && e.status !== null ? e.status : e.body;
  if (typeof status === "object" && status !== null) {
    const reason = (status as { reason?: unknown }).reason;
    if (typeof reason === "string") return reason;
  }
  const code = typeof e.code === "number" ? e.code : typeof e.status === "number" ? e.status : undefined;
  if (code === 404) return "NotFound";
  if (code === 409) return "Conflict";
  return undefined;
}

export const isNotFound = (err: unknown): boolean => apiReason(err) === "NotFound";
export const isConflict = (err: unknown): boolean => apiReason(err) === "Conflict";
export const isAlreadyExists = (err: unknown): boolean => apiReason(err) === "AlreadyExists";

/** Deletes, treating "already gone" as done: reconciles race with the garbage collector. */
export function deleteIfExists(
  api: LocalApi,
  gvr: GroupVersionResource,
  namespace: string | undefined,
  name: string,
  options?: { propagationPolicy?: "Foreground" | "Background" | "Orphan" },
): void {
  try {
    api.delete(gvr, namespace, name, options);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
