/**
 * Pre-check: Kubernetes version skew between source and target. A target newer than the
 * source is fine (removed APIs are caught concretely by the API-resource check). An older
 * target may lack fields and behaviours the source objects rely on: more than
 * `maxMinorSkew` minors older (default 1, the skew Kubernetes itself supports between
 * components) is actionable; a different major version is incompatible.
 */
import { result, type PrecheckResult } from "./types.js";

export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
}

/** `v1.30.2`, `1.30`, `v1.29.3+k3s1`, `v1.28.1-eks-abc` → `{major, minor}`; undefined if unparsable. */
export function parseKubeVersion(text: string): KubeVersion | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(text.trim());
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export interface VersionSkewInput {
  readonly target: string;
  readonly sourceVersion: string;
  readonly targetVersion: string;
  readonly maxMinorSkew?: number;
}

/** The skew verdict for one target (see the rules above). */
export function checkVersionSkew(input: VersionSkewInput): PrecheckResult {
  const { target } = input;
  const source = parseKubeVersion(input.sourceVersion);
  const dest = parseKubeVersion(input.targetVersion);
  const base = {
    check: "version-skew",
    target,
    subject: `${input.sourceVersion} → ${input.targetVersion}`,
  } as const;
  if (source === undefined || dest === undefined) {
    return result({
      ...base,
      verdict: "actionable",
      reason: "cannot compare versions: unrecognised version string",
    });
  }
  if (source.major !== dest.major) {
    return result({
      ...base,
      verdict: "incompatible",
      reason: `major versions differ (${source.major} vs ${dest.major})`,
    });
  }
  const behind = source.minor - dest.minor;
  const max = input.maxMinorSkew ?? 1;
  if (behind <= max) {
    const how = behind <= 0 ? "target is the same or newer" : `target is ${behind} minor version behind`;
    return result({ ...base, verdict: "compatible", reason: how });
  }
  return result({
    ...base,
    verdict: "actionable",
    reason: `target is ${behind} minor versions behind the source (more than ${max}); objects may use fields it does not know`,
    remediation: {
      kind: "upgrade-target",
      description: `Upgrade ${target} to within ${max} minor version(s) of the source, or run with prechecks.remediation: ignore after reviewing the objects.`,
    },
  });
}
