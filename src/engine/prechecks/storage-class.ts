/**
 * Pre-check: every storage class the export's claims ask for exists on the target, after
 * `storageClassMapping`. A missing class is actionable: the remediation adds a mapping to
 * the Migration manifest (file and YAML path given, so the GitOps loop can open the PR),
 * suggesting the target's default class. A target with no storage class at all is
 * incompatible. Claims without a class need a default class on the target.
 */
import { mapStorageClass, type StorageClassMapping } from "../transforms/storage-class-mapping.js";
import type { StorageClassObservation } from "./observations.js";
import { result, specChange, type ManifestLocation, type PrecheckResult } from "./types.js";

export interface StorageClassCheckInput {
  readonly target: string;
  /** Source classes used by the export (`storageClassesUsed`). */
  readonly sourceClasses: readonly string[];
  /** Whether some claim has no class (it relies on the default class). */
  readonly usesDefaultClass?: boolean;
  readonly mapping: StorageClassMapping | undefined;
  readonly targetClasses: readonly StorageClassObservation[];
  readonly location: ManifestLocation;
}

/** One result per source class, plus one for class-less claims when there are any. */
export function checkStorageClasses(input: StorageClassCheckInput): PrecheckResult[] {
  const { target, targetClasses, location } = input;
  const names = new Set(targetClasses.map((c) => c.name));
  const defaultClass = targetClasses.find((c) => c.isDefault);
  const suggestion = defaultClass?.name ?? [...names].sort()[0];
  const results = input.sourceClasses.map((source) => {
    const wanted = mapStorageClass(source, input.mapping);
    const subject = wanted === source ? source : `${source} → ${wanted}`;
    const base = { check: "storage-class", target, subject } as const;
    if (names.has(wanted))
      return result({ ...base, verdict: "compatible", reason: `storage class ${wanted} exists` });
    if (suggestion === undefined) {
      return result({
        ...base,
        verdict: "incompatible",
        reason: `storage class ${wanted} is missing and the target has no storage classes`,
      });
    }
    return result({
      ...base,
      verdict: "actionable",
      reason: `storage class ${wanted} does not exist on the target`,
      remediation: {
        kind: "map-storage-class",
        description: `Map ${source} to a class ${target} has, e.g. ${suggestion}${defaultClass === undefined ? "" : " (its default)"}.`,
        manifestChange: specChange(location, ["storageClassMapping", source], suggestion),
      },
    });
  });
  if (input.usesDefaultClass === true) {
    const base = { check: "storage-class", target, subject: "(default)" } as const;
    results.push(
      defaultClass !== undefined
        ? result({
            ...base,
            verdict: "compatible",
            reason: `claims without a class get the default ${defaultClass.name}`,
          })
        : result({
            ...base,
            verdict: "actionable",
            reason:
              "some claims have no storage class and the target has no default class; they would stay Pending",
            remediation: {
              kind: "set-default-storage-class",
              description: `Mark a storage class on ${target} as default (storageclass.kubernetes.io/is-default-class: "true").`,
            },
          }),
    );
  }
  return results;
}
