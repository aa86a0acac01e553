/**
 * Errors of the local API server, shaped as the real server's `Status` bodies so the
 * HTTP layer can send them as-is and in-process callers can match on `reason` and `code`.
 */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A metav1.Status body. */
export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, unknown>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "MethodNotAllowed"
  | "Forbidden"
  | "Gone"
  | "Expired"
  | "UnsupportedMediaType"
  | "NotAcceptable"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout"
  | "TooManyRequests";

/** An error with the HTTP code and Kubernetes reason the real API server would answer. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The Status body for this error. */
  get status(): StatusBody {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    };
  }
}

/** How the real server names a resource in messages: `deployments.apps` or `configmaps`. */
export const qualifiedResource = (group: string, resource: string): string =>
  group === "" ? resource : `${resource}.${group}`;

export const notFound = (group: string, resource: string, name: string): ApiError =>
  new ApiError(404, "NotFound", `${qualifiedResource(group, resource)} "${name}" not found`, {
    name,
    ...(group === "" ? {} : { group }),
    kind: resource,
  });

export const alreadyExists = (group: string, resource: string, name: string): ApiError =>
  new ApiError(409, "AlreadyExists", `${qualifiedResource(group, resource)} "${name}" already exists`, {
    name,
    ...(group === "" ? {} : { group }),
    kind: resource,
  });

export const conflict = (group: string, resource: string, name: string, why: string): ApiError =>
  new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ${why}`,
    {
      name,
      ...(group === "" ? {} : { group }),
      kind: resource,
    },
  );

/** A 422 Invalid with one cause per field problem, worded like the real server's. */
export function invalid(options: {
  group: string;
  kind: string;
  name: string;
  causes: StatusCause[];
}): ApiError {
  const { group, kind, name, causes } = options;
  const qualifiedKind = group === "" ? kind : `${kind}.${group}`;
  const parts = causes.map((c) =>
    c.field === undefined ? (c.message ?? "") : `${c.field}: ${c.message ?? ""}`,
  );
  const summary = parts.length === 1 ? (parts[0] ?? "") : `[${parts.join(", ")}]`;
  return new ApiError(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    ...(group === "" ? {} : { group }),
    kind,
    causes,
  });
}

export const badRequest = (message: string): ApiError => new ApiError(400, "BadRequest", message);

export const methodNotAllowed = (
  message = "the server does not allow this method on the requested resource",
): ApiError => new ApiError(405, "MethodNotAllowed", message);

/** A field problem as a Status cause. */
export const cause = (reason: string, field: string, message: string): StatusCause => ({
  reason,
  field,
  message,
});

/** The Status the real server answers for a successful delete of a resource that returns no object. */
export function successStatus(details: StatusDetails): StatusBody {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details, code: 200 };
}
