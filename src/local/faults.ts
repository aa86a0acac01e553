/** A request failure to inject: the next `count` requests of a verb (and resource) fail. */
export interface FailureRule {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; "*" for any. */
  verb: string;
  /** Plural resource name (`deployments`), or "*" / absent for any. */
  resource?: string;
  /** HTTP status to answer, e.g. 500, 503, 409, 429. */
  code: number;
  /** How many matching requests fail (default 1). */
  count?: number;
  message?: string;
}

const REASONS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  410: "Expired",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** A Status body for an injected failure. */
export function faultStatus(rule: FailureRule): { code: number; body: Record<string, unknown> } {
  return {
    code: rule.code,
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: rule.message ?? `injected fault: ${rule.verb} ${rule.resource ?? "*"} fails with ${rule.code}`,
      reason: REASONS[rule.code] ?? "InternalError",
      code: rule.code,
    },
  };
}

/**
 * The faults of one cluster's API server, for tests: latency on every request and failures
 * of the next N matching requests. Refusing connections and stopping live on the cluster.
 */
export class Faults {
  latencyMs = 0;
  private rules: (FailureRule & { remaining: number })[] = [];

  /** Adds latency to every request (0 removes it). */
  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  /** Makes the next `count` requests matching verb/resource fail with `code`. */
  failNext(rule: FailureRule): void {
    this.rules.push({ ...rule, remaining: rule.count ?? 1 });
  }

  /** Removes every injected failure and the latency. */
  clear(): void {
    this.rules = [];
    this.latencyMs = 0;
  }

  /** The rule this request trips, consuming one of its failures. */
  take(verb: string, resource: string | undefined): FailureRule | undefined {
    const rule = this.rules.find(
      (r) =>
        (r.verb === "*" || r.verb === verb) &&
        (r.resource === undefined || r.resource === "*" || r.resource === resource),
    );
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
    return rule;
  }

  /** What is configured, for the admin endpoint. */
  describe(): { latencyMs: number; failures: FailureRule[] } {
    return {
      latencyMs: this.latencyMs,
      failures: this.rules.map(({ remaining, ...r }) => ({ ...r, count: remaining })),
    };
  }
}
