/**
 * Pre-check: the target namespace is absent or Ferry's own. KubeSlice warns that a namespace
 * must not already be onboarded on the destination; Ferry's reading of that:
 *
 * - absent: compatible (the Namespace is restored first), or actionable `create-namespace`
 *   when resources are not included (`includeResources: false` moves only volumes);
 * - written by this migration (or schedule) before: compatible — a re-run;
 * - terminating: incompatible until it is gone;
 * - onboarded elsewhere (carries one of `onboardedLabels`, default KubeSlice's
 *   `kubeslice.io/slice`): incompatible, suggest mapping to another namespace;
 * - written by another Ferry migration: actionable `map-namespace` (two migrations would
 *   fight over the same objects);
 * - someone else's, with objects of the same names: actionable `allow-overwrite` unless
 *   `overwrite: true` (then compatible);
 * - someone else's without clashing objects (e.g. pre-created by a platform team with
 *   quotas): compatible — Ferry adds its objects and leaves the rest alone.
 */
import { MIGRATION_KEY, isManagedByFerry } from "../ferry-metadata.js";
import type { NamespaceObservation } from "./observations.js";
import { result, specChange, type ManifestLocation, type PrecheckResult } from "./types.js";

export const DEFAULT_ONBOARDED_LABELS: readonly string[] = ["kubeslice.io/slice"];

export interface NamespaceCheckInput {
  readonly target: string;
  /** The source namespace (the key a `namespaceMapping` would use). */
  readonly sourceNamespace: string;
  readonly observation: NamespaceObservation;
  /** The name provenance records: the Migration's, or the MigrationSchedule's for its runs. */
  readonly migration: string;
  readonly overwrite?: boolean;
  readonly includeResources?: boolean;
  readonly onboardedLabels?: readonly string[];
  readonly location: ManifestLocation;
}

/** The verdict for one target namespace (see the rules above). */
export function checkNamespace(input: NamespaceCheckInput): PrecheckResult {
  const { target, observation: ns, location } = input;
  const base = { check: "namespace", target, subject: ns.name } as const;
  const mapAway = (
    why: string,
  ): { kind: "map-namespace"; description: string; manifestChange: ReturnType<typeof specChange> } => ({
    kind: "map-namespace",
    description: `${why} Map ${input.sourceNamespace} to a namespace of its own on ${target}.`,
    manifestChange: specChange(
      location,
      ["namespaceMapping", input.sourceNamespace],
      `${ns.name}-${input.migration}`,
    ),
  });

  if (!ns.exists) {
    if (input.includeResources === false) {
      return result({
        ...base,
        verdict: "actionable",
        reason: "namespace does not exist and resources are not included, so nothing would create it",
        remediation: {
          kind: "create-namespace",
          description: `Create namespace ${ns.name} on ${target}.`,
          liveFix: { kind: "create-namespace", cluster: target, name: ns.name },
        },
      });
    }
    return result({ ...base, verdict: "compatible", reason: "namespace does not exist; it will be created" });
  }
  if (ns.phase === "Terminating") {
    return result({
      ...base,
      verdict: "incompatible",
      reason: "namespace is being deleted; retry when it is gone",
    });
  }
  if (isManagedByFerry({ metadata: { labels: { ...ns.labels } } })) {
    const writtenBy = ns.annotations?.[MIGRATION_KEY] ?? ns.labels?.[MIGRATION_KEY];
    if (writtenBy === input.migration)
      return result({ ...base, verdict: "compatible", reason: "namespace was created by this migration" });
    return result({
      ...base,
      verdict: "actionable",
      reason: `namespace belongs to another Ferry migration (${writtenBy ?? "unknown"})`,
      remediation: mapAway("Two migrations writing one namespace would overwrite each other."),
    });
  }
  const onboarded = (input.onboardedLabels ?? DEFAULT_ONBOARDED_LABELS).filter(
    (l) => ns.labels?.[l] !== undefined,
  );
  if (onboarded.length > 0) {
    return result({
      ...base,
      verdict: "incompatible",
      reason: `namespace exists and is onboarded elsewhere (${onboarded.join(", ")}); replicate into a namespace that is not onboarded, then onboard it`,
      remediation: mapAway("The namespace is onboarded on the destination."),
    });
  }
  const conflicts = ns.foreignConflicts ?? [];
  if (conflicts.length > 0 && input.overwrite !== true) {
    const shown =
      conflicts.slice(0, 5).join(", ") + (conflicts.length > 5 ? `, and ${conflicts.length - 5} more` : "");
    return result({
      ...base,
      verdict: "actionable",
      reason: `namespace exists, was not created by Ferry, and holds ${conflicts.length} object(s) Ferry would write: ${shown}`,
      remediation: {
        kind: "allow-overwrite",
        description: `Set overwrite: true to replace those objects, or map ${input.sourceNamespace} to another namespace.`,
        manifestChange: specChange(location, ["overwrite"], true),
      },
    });
  }
  const why = conflicts.length > 0 ? "overwrite is allowed" : "no object Ferry writes exists there";
  return result({
    ...base,
    verdict: "compatible",
    reason: `namespace exists and was not created by Ferry; ${why}`,
  });
}
