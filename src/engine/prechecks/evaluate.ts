/**
 * All pre-checks for one target, from the export and the target's observations, in a fixed
 * order (reachability, version skew, namespaces, storage classes, claim sizes, quotas,
 * limit ranges, API resources). An unreachable target yields only that result.
 */
import type { MigrationSpec } from "../../manifests/types.js";
import { isRecord, type KubeObject } from "../kube-object.js";
import { mapNamespace } from "../transforms/namespace-mapping.js";
import { storageClassesUsed } from "../transforms/storage-class-mapping.js";
import type { TargetObservations } from "./observations.js";
import { checkReachable } from "./reachability.js";
import { checkVersionSkew } from "./version-skew.js";
import { checkNamespace } from "./namespace.js";
import { checkStorageClasses } from "./storage-class.js";
import { plannedClaims } from "./planned-claims.js";
import { checkPvcSizes } from "./pvc-size.js";
import { checkQuotas } from "./quota.js";
import { checkLimitRanges } from "./limit-range.js";
import { checkApiResources } from "./api-resources.js";
import { DEFAULT_MANIFEST_LOCATION, result, type ManifestLocation, type PrecheckResult } from "./types.js";

export type PrecheckSpec = Pick<
  MigrationSpec,
  "namespaces" | "namespaceMapping" | "storageClassMapping" | "overwrite" | "includeResources"
>;

export interface PrecheckInput {
  /** The name provenance records (the Migration's, or the MigrationSchedule's for its runs). */
  readonly migration: string;
  readonly spec: PrecheckSpec;
  /** The source's server version (`/version` gitVersion). */
  readonly sourceVersion: string;
  /** The sanitised, filtered export (CRDs included), before per-target transforms. */
  readonly objects: readonly KubeObject[];
  /** The source's CRDs by `Kind.group`. */
  readonly sourceCrds: ReadonlyMap<string, KubeObject>;
  readonly target: TargetObservations;
  readonly location?: ManifestLocation;
  readonly maxMinorSkew?: number;
  readonly onboardedLabels?: readonly string[];
}

/** Every pre-check result for one target; combine targets' results for `decidePrecheckOutcome`. */
export function evaluatePrechecks(input: PrecheckInput): PrecheckResult[] {
  const { target: obs, spec } = input;
  const target = obs.cluster;
  const location = input.location ?? DEFAULT_MANIFEST_LOCATION;
  const reachable = checkReachable(target, obs.reachability);
  if (!obs.reachability.ok) return [reachable];
  const results: PrecheckResult[] = [reachable];
  results.push(
    checkVersionSkew({
      target,
      sourceVersion: input.sourceVersion,
      targetVersion: obs.reachability.serverVersion,
      ...(input.maxMinorSkew === undefined ? {} : { maxMinorSkew: input.maxMinorSkew }),
    }),
  );
  for (const sourceNamespace of spec.namespaces) {
    const name = mapNamespace(sourceNamespace, spec.namespaceMapping);
    const observation = obs.namespaces.find((n) => n.name === name);
    if (observation === undefined) {
      // The shell must observe every target namespace; a gap is reported, not guessed.
      results.push(
        result({
          check: "namespace",
          target,
          subject: name,
          verdict: "incompatible",
          reason: "namespace was not observed on the target",
        }),
      );
      continue;
    }
    results.push(
      checkNamespace({
        target,
        sourceNamespace,
        observation,
        migration: input.migration,
        location,
        ...(spec.overwrite === undefined ? {} : { overwrite: spec.overwrite }),
        ...(spec.includeResources === undefined ? {} : { includeResources: spec.includeResources }),
        ...(input.onboardedLabels === undefined ? {} : { onboardedLabels: input.onboardedLabels }),
      }),
    );
  }
  results.push(
    ...checkStorageClasses({
      target,
      sourceClasses: storageClassesUsed(input.objects),
      usesDefaultClass: input.objects.some(
        (o) =>
          o.kind === "PersistentVolumeClaim" &&
          isRecord(o["spec"]) &&
          typeof o["spec"]["storageClassName"] !== "string",
      ),
      mapping: spec.storageClassMapping,
      targetClasses: obs.storageClasses,
      location,
    }),
  );
  const claims = plannedClaims(input.objects, spec);
  results.push(
    ...checkPvcSizes({ target, claims, existingPvcs: obs.existingPvcs, storageClasses: obs.storageClasses }),
  );
  const existingClaims = new Set(
    obs.existingPvcs.map((p) => `${p.metadata.namespace ?? ""}/${p.metadata.name}`),
  );
  results.push(...checkQuotas({ target, claims, existingClaims, quotas: obs.resourceQuotas }));
  results.push(...checkLimitRanges({ target, claims, limitRanges: obs.limitRanges, location }));
  results.push(
    ...checkApiResources({
      target,
      objects: input.objects,
      sourceCrds: input.sourceCrds,
      served: obs.servedResources,
    }),
  );
  return results;
}
