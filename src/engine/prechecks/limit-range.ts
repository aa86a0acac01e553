/**
 * Pre-check: each new claim fits the LimitRanges of its target namespace (items of type
 * `PersistentVolumeClaim`, `max.storage` / `min.storage`). Above the maximum is
 * incompatible — the API server would refuse the claim and shrinking data is not a fix.
 * Below the minimum is actionable: a resource modifier in the Migration grows the claim.
 */
import { formatRef, isRecord, refOf, type KubeObject } from "../kube-object.js";
import { parseQuantity } from "../quantity.js";
import type { PlannedClaim } from "./planned-claims.js";
import { result, specChange, type ManifestLocation, type PrecheckResult } from "./types.js";

export interface LimitRangeCheckInput {
  readonly target: string;
  readonly claims: readonly PlannedClaim[];
  readonly limitRanges: readonly KubeObject[];
  readonly location: ManifestLocation;
}

/** One result per new claim in a namespace whose LimitRange bounds PVC storage. */
export function checkLimitRanges(input: LimitRangeCheckInput): PrecheckResult[] {
  const results: PrecheckResult[] = [];
  for (const range of input.limitRanges) {
    const bounds = pvcBounds(range);
    if (bounds === undefined) continue;
    const claims = input.claims.filter(
      (c) => c.namespace === range.metadata.namespace && c.storage !== undefined,
    );
    const rangeRef = formatRef(refOf(range));
    for (const claim of claims) {
      const subject = `PersistentVolumeClaim ${claim.namespace}/${claim.name}`;
      const base = { check: "limit-range", target: input.target, subject } as const;
      if (bounds.max !== undefined && claim.bytes > bounds.max.bytes) {
        results.push(
          result({
            ...base,
            verdict: "incompatible",
            reason: `requests ${claim.storage}, above the maximum ${bounds.max.text} of LimitRange ${rangeRef}`,
            remediation: {
              kind: "raise-limit",
              description: `Raise max.storage of LimitRange ${rangeRef} to at least ${claim.storage}.`,
            },
          }),
        );
      } else if (bounds.min !== undefined && claim.bytes < bounds.min.bytes) {
        results.push(
          result({
            ...base,
            verdict: "actionable",
            reason: `requests ${claim.storage}, below the minimum ${bounds.min.text} of LimitRange ${rangeRef}`,
            remediation: {
              kind: "grow-pvc",
              description: `Grow the claim to ${bounds.min.text} on ${input.target} with a resource modifier.`,
              manifestChange: specChange(
                input.location,
                ["resourceModifiers"],
                {
                  match: {
                    kind: "PersistentVolumeClaim",
                    name: claim.name,
                    namespace: claim.sourceNamespace,
                  },
                  patch: [
                    { op: "replace", path: "/spec/resources/requests/storage", value: bounds.min.text },
                  ],
                },
                "append",
              ),
            },
          }),
        );
      } else {
        results.push(result({ ...base, verdict: "compatible", reason: `within LimitRange ${rangeRef}` }));
      }
    }
  }
  return results;
}

interface Bound {
  readonly text: string;
  readonly bytes: number;
}

function pvcBounds(range: KubeObject): { max?: Bound; min?: Bound } | undefined {
  const spec = range["spec"];
  const limits = isRecord(spec) && Array.isArray(spec["limits"]) ? spec["limits"].filter(isRecord) : [];
  const item = limits.find((l) => l["type"] === "PersistentVolumeClaim");
  if (item === undefined) return undefined;
  const bound = (field: string): Bound | undefined => {
    const section = item[field];
    const text = isRecord(section) ? section["storage"] : undefined;
    if (typeof text !== "string") return undefined;
    const parsed = parseQuantity(text);
    return parsed.ok ? { text, bytes: parsed.value } : undefined;
  };
  const max = bound("max");
  const min = bound("min");
  return { ...(max === undefined ? {} : { max }), ...(min === undefined ? {} : { min }) };
}
