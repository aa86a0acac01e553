/**
 * Pre-check: a claim that already exists on the target is at least as large as the source's.
 * A smaller one cannot hold the data: actionable `grow-pvc` (live fix: expand it) when its
 * class allows expansion, incompatible when it does not.
 */
import { pvcStorageRequest } from "../restore/pvc-size.js";
import { isRecord, type KubeObject } from "../kube-object.js";
import { parseQuantity } from "../quantity.js";
import type { StorageClassObservation } from "./observations.js";
import type { PlannedClaim } from "./planned-claims.js";
import { result, type PrecheckResult } from "./types.js";

export interface PvcSizeCheckInput {
  readonly target: string;
  readonly claims: readonly PlannedClaim[];
  readonly existingPvcs: readonly KubeObject[];
  readonly storageClasses: readonly StorageClassObservation[];
}

/** One result per existing target claim the export would write. */
export function checkPvcSizes(input: PvcSizeCheckInput): PrecheckResult[] {
  const results: PrecheckResult[] = [];
  for (const live of input.existingPvcs) {
    const claim = input.claims.find(
      (c) => c.namespace === live.metadata.namespace && c.name === live.metadata.name,
    );
    const have = pvcStorageRequest(live);
    if (claim === undefined || claim.storage === undefined || have === undefined) continue;
    const haveBytes = parseQuantity(have);
    const subject = `PersistentVolumeClaim ${claim.namespace}/${claim.name}`;
    const base = { check: "pvc-size", target: input.target, subject } as const;
    if (!haveBytes.ok || haveBytes.value >= claim.bytes) {
      results.push(
        result({
          ...base,
          verdict: "compatible",
          reason: `existing claim (${have}) holds the source's ${claim.storage}`,
        }),
      );
      continue;
    }
    const spec = isRecord(live["spec"]) ? live["spec"] : {};
    const cls = typeof spec["storageClassName"] === "string" ? spec["storageClassName"] : undefined;
    const expandable = input.storageClasses.find((c) => c.name === cls)?.allowVolumeExpansion === true;
    const reason = `existing claim requests ${have}, smaller than the source's ${claim.storage}`;
    results.push(
      expandable
        ? result({
            ...base,
            verdict: "actionable",
            reason,
            remediation: {
              kind: "grow-pvc",
              description: `Grow ${subject} on ${input.target} to ${claim.storage}.`,
              liveFix: {
                kind: "grow-pvc",
                cluster: input.target,
                namespace: claim.namespace,
                name: claim.name,
                storage: claim.storage,
              },
            },
          })
        : result({
            ...base,
            verdict: "incompatible",
            reason: `${reason}, and its storage class ${cls ?? "(none)"} does not allow expansion`,
            remediation: {
              kind: "grow-pvc",
              description: `Delete ${subject} on ${input.target} so Ferry can create it at ${claim.storage}.`,
            },
          }),
    );
  }
  return results;
}
