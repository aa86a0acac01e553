/**
 * Pre-check: the claims a migration creates fit the target namespaces' ResourceQuotas —
 * `requests.storage`, `persistentvolumeclaims`, and the per-class
 * `<class>.storageclass.storage.k8s.io/requests.storage` and `/persistentvolumeclaims`.
 * Claims that already exist on the target are already counted in `status.used`.
 * Over quota is actionable `raise-quota`, without a live fix: a quota is a platform
 * team's guardrail, and Ferry does not lift guardrails on its own.
 */
import { formatRef, isRecord, refOf, type KubeObject } from "../kube-object.js";
import { formatBytes, parseQuantity } from "../quantity.js";
import type { PlannedClaim } from "./planned-claims.js";
import { result, type PrecheckResult } from "./types.js";

export interface QuotaCheckInput {
  readonly target: string;
  readonly claims: readonly PlannedClaim[];
  /** Keys `namespace/name` of claims that already exist on the target. */
  readonly existingClaims: ReadonlySet<string>;
  readonly quotas: readonly KubeObject[];
}

const CLASS_SUFFIX = ".storageclass.storage.k8s.io/";

/** One result per ResourceQuota of a namespace that receives new claims. */
export function checkQuotas(input: QuotaCheckInput): PrecheckResult[] {
  const fresh = input.claims.filter((c) => !input.existingClaims.has(`${c.namespace}/${c.name}`));
  const results: PrecheckResult[] = [];
  for (const quota of input.quotas) {
    const namespace = quota.metadata.namespace;
    const claims = fresh.filter((c) => c.namespace === namespace);
    if (claims.length === 0) continue;
    const hard = quantities(quota, "hard", "spec");
    const used = quantities(quota, "used", "status");
    const over: string[] = [];
    for (const [key, limit] of hard) {
      const need = demand(key, claims);
      if (need === undefined) continue;
      const have = used.get(key) ?? 0;
      if (have + need > limit) {
        const storage = key.endsWith("requests.storage");
        const show = (n: number): string => (storage ? formatBytes(n) : String(n));
        over.push(
          `${key}: needs ${show(need)} more, ${show(have)} of ${show(limit)} used (raise to at least ${show(have + need)})`,
        );
      }
    }
    const subject = formatRef(refOf(quota));
    results.push(
      over.length === 0
        ? result({
            check: "quota",
            target: input.target,
            subject,
            verdict: "compatible",
            reason: `${claims.length} new claim(s) fit the quota`,
          })
        : result({
            check: "quota",
            target: input.target,
            subject,
            verdict: "actionable",
            reason: `new claims exceed the quota: ${over.join("; ")}`,
            remediation: {
              kind: "raise-quota",
              description: `Ask the owner of ResourceQuota ${subject} on ${input.target} to raise ${over.map((o) => o.split(":")[0]).join(", ")}.`,
            },
          }),
    );
  }
  return results;
}

/** What the claims add to a quota key, or undefined when the key is not about claims. */
function demand(key: string, claims: readonly PlannedClaim[]): number | undefined {
  if (key === "requests.storage") return sum(claims.map((c) => c.bytes));
  if (key === "persistentvolumeclaims" || key === "count/persistentvolumeclaims") return claims.length;
  const at = key.indexOf(CLASS_SUFFIX);
  if (at < 0) return undefined;
  const cls = key.slice(0, at);
  const ofClass = claims.filter((c) => c.storageClass === cls);
  const what = key.slice(at + CLASS_SUFFIX.length);
  if (what === "requests.storage") return sum(ofClass.map((c) => c.bytes));
  if (what === "persistentvolumeclaims") return ofClass.length;
  return undefined;
}

function quantities(obj: KubeObject, field: string, section: string): Map<string, number> {
  const part = obj[section];
  const map = isRecord(part) ? part[field] : undefined;
  const out = new Map<string, number>();
  if (!isRecord(map)) return out;
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== "string" && typeof v !== "number") continue;
    const parsed = parseQuantity(v);
    if (parsed.ok) out.set(k, parsed.value);
  }
  return out;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
