import { ApiException } from "@kubernetes/client-node";
import { FerryError, errorMessage } from "../core/errors.js";

/**
 * Wraps what @kubernetes/client-node throws into a FerryError at the port's boundary,
 * keeping the HTTP status and the Kubernetes Status reason in `data` so callers branch
 * on them (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, connection refused).
 */
export function wrapClusterError(cluster: string, action: string, cause: unknown): FerryError {
  if (cause instanceof FerryError) return cause;
  if (cause instanceof ApiException) {
    const status = cause.code;
    const body = parseStatusBody(cause.body);
    const reason = body.reason ?? reasonForStatus(status);
    const message = body.message ?? `HTTP ${status}`;
    const code =
      status === 404
        ? "NotFound"
        : status === 409
          ? "Conflict"
          : status === 422 || status === 400
            ? "Invalid"
            : "Remote";
    return new FerryError(code, `${cluster}: ${action}: ${message}`, {
      data: { cluster, status, reason },
      cause,
    });
  }
  return new FerryError("Remote", `${cluster}: ${action}: ${errorMessage(cause)}`, {
    data: { cluster, status: 0, reason: "Unreachable" },
    cause,
  });
}

/** The Kubernetes Status reason of a wrapped error, e.g. `AlreadyExists`. */
export function statusReason(err: unknown): string | undefined {
  if (!(err instanceof FerryError)) return undefined;
  const reason = err.data["reason"];
  return typeof reason === "string" ? reason : undefined;
}

function parseStatusBody(body: unknown): { reason?: string; message?: string } {
  let value: unknown = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return body.length > 0 ? { message: body.slice(0, 500) } : {};
    }
  }
  if (typeof value !== "object" || value === null) return {};
  const record = value as Record<string, unknown>;
  const out: { reason?: string; message?: string } = {};
  if (typeof record["reason"] === "string") out.reason = record["reason"];
  if (typeof record["message"] === "string") out.message = record["message"];
  return out;
}

function reasonForStatus(status: number): string {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 422:
      return "Invalid";
    default:
      return status >= 500 ? "InternalError" : "Unknown";
  }
}
