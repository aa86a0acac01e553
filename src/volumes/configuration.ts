/**
 * Configuration reconciliation (Diamanti's first driver step), as a pure function: do both
 * sides have the group's claims, mapped one to one, and is every target at least as large as
 * its source? Missing target claims are created with the source's size and (mapped) class;
 * a smaller target is an actionable pre-check whose remediation grows it.
 */
import type { KubeObject } from "../engine/kube-object.js";
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from "../engine/ferry-metadata.js";
import { formatBytes } from "../engine/quantity.js";
import { requestedBytes, requestedSize, storageClassOf } from "./cluster-objects.js";
import { REPLICATION_LABEL, replicationLabelValue } from "./names.js";
import type { VolumePrecheck } from "./types.js";

export interface ConfigurationInput {
  readonly replication: string;
  readonly namespace: string;
  /** Source claim → target claim, in the current direction. */
  readonly pvcMap: Readonly<Record<string, string>>;
  readonly sourceGroupPvcs: readonly string[];
  readonly targetGroupPvcs: readonly string[];
  readonly sourceClaims: ReadonlyMap<string, KubeObject>;
  readonly targetClaims: ReadonlyMap<string, KubeObject>;
  readonly targetCluster: string;
  readonly storageClassMapping?: Readonly<Record<string, string>>;
}

export interface Growth {
  readonly claim: string;
  readonly from: string;
  readonly to: string;
}

export interface ConfigurationVerdict {
  readonly prechecks: readonly VolumePrecheck[];
  /** Target claims to create. */
  readonly create: readonly KubeObject[];
  /** Target claims smaller than their source. */
  readonly grow: readonly Growth[];
  /** True when an incompatible check forbids a cycle. */
  readonly incompatible: boolean;
}

export function reconcileConfiguration(input: ConfigurationInput): ConfigurationVerdict {
  const prechecks: VolumePrecheck[] = [];
  const create: KubeObject[] = [];
  const grow: Growth[] = [];
  const incompatible = (reason: string, message: string): void => {
    prechecks.push({ verdict: "incompatible", reason, message });
  };
  const mapped = Object.keys(input.pvcMap);
  const sourceSet = new Set(input.sourceGroupPvcs);
  const targetSet = new Set(input.targetGroupPvcs);
  for (const pvc of input.sourceGroupPvcs) {
    if (input.pvcMap[pvc] === undefined)
      incompatible("UnmappedClaim", `source claim ${pvc} is not in pvcMap`);
  }
  for (const [source, target] of Object.entries(input.pvcMap)) {
    if (!sourceSet.has(source))
      incompatible("ClaimNotInGroup", `pvcMap names ${source}, which the source VolumeGroup does not list`);
    if (!targetSet.has(target))
      incompatible("ClaimNotInGroup", `pvcMap maps to ${target}, which the target VolumeGroup does not list`);
  }
  for (const source of mapped) {
    const target = input.pvcMap[source] ?? source;
    const claim = input.sourceClaims.get(source);
    if (claim === undefined) {
      incompatible("SourceClaimMissing", `claim ${input.namespace}/${source} does not exist on the source`);
      continue;
    }
    const size = requestedSize(claim) ?? "1Gi";
    const existing = input.targetClaims.get(target);
    if (existing === undefined) {
      const sourceClass = storageClassOf(claim);
      const targetClass =
        sourceClass === undefined ? undefined : (input.storageClassMapping?.[sourceClass] ?? sourceClass);
      create.push({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name: target,
          namespace: input.namespace,
          labels: {
            [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
            [REPLICATION_LABEL]: replicationLabelValue(input.replication),
          },
        },
        spec: {
          accessModes: (claim["spec"] as { accessModes?: string[] } | undefined)?.accessModes ?? [
            "ReadWriteOnce",
          ],
          resources: { requests: { storage: size } },
          ...(targetClass === undefined ? {} : { storageClassName: targetClass }),
        },
      });
      prechecks.push({
        verdict: "compatible",
        reason: "TargetClaimCreated",
        message: `claim ${input.namespace}/${target} is created on ${input.targetCluster} (${size}${targetClass === undefined ? "" : `, class ${targetClass}`})`,
      });
      continue;
    }
    const have = requestedBytes(existing);
    const need = requestedBytes(claim);
    if (have < need) {
      const from = requestedSize(existing) ?? formatBytes(have);
      grow.push({ claim: target, from, to: size });
      prechecks.push({
        verdict: "actionable",
        reason: "TargetClaimTooSmall",
        message: `claim ${input.namespace}/${target} on ${input.targetCluster} is ${from}, smaller than its source ${source} (${size})`,
        remediation: {
          action: "grow-claim",
          cluster: input.targetCluster,
          namespace: input.namespace,
          claim: target,
          from,
          to: size,
          state: "proposed",
        },
      });
    } else {
      prechecks.push({
        verdict: "compatible",
        reason: "ClaimsMatch",
        message: `${source} → ${target}: ${size}`,
      });
    }
  }
  return { prechecks, create, grow, incompatible: prechecks.some((p) => p.verdict === "incompatible") };
}
