/**
 * Pre-check results, KubeSlice-style: every check on every target is compatible, actionable
 * (a known fix exists: in the Migration manifest, or live on the target) or incompatible
 * (the migration cannot go ahead as specified). The cluster adapter gathers observations; the
 * functions in this folder turn them into results without touching anything.
 */
import type { FieldPath } from "../../manifests/types.js";

export type Verdict = "compatible" | "actionable" | "incompatible";

export type PrecheckName =
  | "reachable"
  | "namespace"
  | "storage-class"
  | "quota"
  | "limit-range"
  | "pvc-size"
  | "api-resource"
  | "version-skew";

export type RemediationKind =
  | "grow-pvc"
  | "create-namespace"
  | "include-crd"
  | "map-storage-class"
  | "map-namespace"
  | "allow-overwrite"
  | "raise-quota"
  | "raise-limit"
  | "set-default-storage-class"
  | "upgrade-target"
  | "fix-connection";

/** A change to the desired-state repo that would resolve a result (the GitOps loop opens it as a PR). */
export interface ManifestChange {
  /** The manifest's path in the desired-state repo, when known. */
  readonly file?: string;
  /** Where in the YAML document: `["spec", "storageClassMapping", "fast-ssd"]`. */
  readonly path: FieldPath;
  /** `set` replaces the value at `path`; `append` adds `value` to the list at `path`. */
  readonly op: "set" | "append";
  readonly value: unknown;
}

/** A change Ferry can make on the target itself when `prechecks.remediation: auto`. */
export type LiveFix =
  | {
      readonly kind: "grow-pvc";
      readonly cluster: string;
      readonly namespace: string;
      readonly name: string;
      readonly storage: string;
    }
  | { readonly kind: "create-namespace"; readonly cluster: string; readonly name: string }
  | { readonly kind: "apply-crd"; readonly cluster: string; readonly crd: string };

export interface Remediation {
  readonly kind: RemediationKind;
  /** What to do and why, for a person. */
  readonly description: string;
  readonly manifestChange?: ManifestChange;
  readonly liveFix?: LiveFix;
}

export interface PrecheckResult {
  readonly check: PrecheckName;
  /** The target cluster's name. */
  readonly target: string;
  /** What was checked: a namespace, class, quota, `Kind.group`… */
  readonly subject?: string;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly remediation?: Remediation;
}

/** Where the Migration manifest is, so remediations can name the file and the YAML path. */
export interface ManifestLocation {
  readonly file?: string;
  /** Path of the Migration spec in the document: `["spec"]`, or `["spec","template","spec"]` for a schedule. */
  readonly specPath: FieldPath;
}

export const DEFAULT_MANIFEST_LOCATION: ManifestLocation = { specPath: ["spec"] };

/** A manifest change at `field` under the Migration spec. */
export function specChange(
  location: ManifestLocation,
  field: FieldPath,
  value: unknown,
  op: ManifestChange["op"] = "set",
): ManifestChange {
  const path = [...location.specPath, ...field];
  return location.file === undefined ? { path, op, value } : { file: location.file, path, op, value };
}

/** Shorthand for building results. */
export function result(
  fields: Omit<PrecheckResult, "remediation" | "subject"> & {
    subject?: string | undefined;
    remediation?: Remediation | undefined;
  },
): PrecheckResult {
  const { subject, remediation, ...rest } = fields;
  return {
    ...rest,
    ...(subject === undefined ? {} : { subject }),
    ...(remediation === undefined ? {} : { remediation }),
  };
}
