/**
 * Pre-check: the target serves every type the export holds, in the same API version.
 * - served: compatible;
 * - a custom kind the target lacks: compatible when the export carries its CRD (it is
 *   restored first), else actionable `include-crd` (live fix: apply the source's CRD);
 * - a kind the target serves only in other versions, or a built-in kind it does not serve:
 *   incompatible — converting objects between versions is not something Ferry guesses at.
 */
import { apiGroup, apiVersionOnly, groupKind, type KubeObject, type ResourceType } from "../kube-object.js";
import { crdGroupKind } from "../export/required-crds.js";
import { result, type PrecheckResult } from "./types.js";

export interface ApiResourceCheckInput {
  readonly target: string;
  /** The export, CRDs included. */
  readonly objects: readonly KubeObject[];
  /** The source's CRDs by `Kind.group` (`indexCrds`). */
  readonly sourceCrds: ReadonlyMap<string, KubeObject>;
  readonly served: readonly ResourceType[];
}

/** One result per distinct apiVersion and kind of the export (CRDs themselves excluded). */
export function checkApiResources(input: ApiResourceCheckInput): PrecheckResult[] {
  const { target } = input;
  const exportedCrds = new Set(
    input.objects.filter((o) => o.kind === "CustomResourceDefinition").flatMap((c) => crdGroupKind(c) ?? []),
  );
  const types = new Map<string, { apiVersion: string; kind: string }>();
  for (const obj of input.objects) {
    if (obj.kind === "CustomResourceDefinition") continue;
    types.set(`${obj.apiVersion}/${obj.kind}`, { apiVersion: obj.apiVersion, kind: obj.kind });
  }
  return [...types.values()].map(({ apiVersion, kind }) => {
    const group = apiGroup(apiVersion);
    const version = apiVersionOnly(apiVersion);
    const gk = groupKind({ apiVersion, kind });
    const base = { check: "api-resource", target, subject: `${apiVersion} ${kind}` } as const;
    const versions = input.served.filter((r) => r.group === group && r.kind === kind).map((r) => r.version);
    if (versions.includes(version))
      return result({ ...base, verdict: "compatible", reason: "served by the target" });
    if (versions.length > 0) {
      return result({
        ...base,
        verdict: "incompatible",
        reason: `the target serves ${gk} only as ${versions.map((v) => (group === "" ? v : `${group}/${v}`)).join(", ")}`,
        remediation: {
          kind: "upgrade-target",
          description: `Serve ${apiVersion} ${kind} on ${target} (upgrade it or its CRD), or exclude ${kind} from the migration.`,
        },
      });
    }
    const crd = input.sourceCrds.get(gk);
    if (crd === undefined) {
      return result({
        ...base,
        verdict: "incompatible",
        reason: `the target does not serve ${gk} and the source has no CRD for it`,
      });
    }
    if (exportedCrds.has(gk)) {
      return result({
        ...base,
        verdict: "compatible",
        reason: `CRD ${crd.metadata.name} is restored before its resources`,
      });
    }
    return result({
      ...base,
      verdict: "actionable",
      reason: `the target does not serve ${gk} and the export does not include CRD ${crd.metadata.name}`,
      remediation: {
        kind: "include-crd",
        description: `Apply the source's CRD ${crd.metadata.name} to ${target}, or stop excluding CustomResourceDefinitions.`,
        liveFix: { kind: "apply-crd", cluster: target, crd: crd.metadata.name },
      },
    });
  });
}
