/**
 * `prechecks.remediation: auto`: the live fixes H6's remediations describe, applied to the
 * targets before anything else is written. Objects Ferry creates here carry its provenance,
 * so the next pre-check sees them as Ferry's own.
 */
import type { ClusterClient } from "../../cluster/port.js";
import { FerryError } from "../../core/errors.js";
import type { KubeObject } from "../kube-object.js";
import type { LiveFix } from "../prechecks/types.js";
import { sanitizeForExport } from "../export/sanitize.js";
import { withProvenance, type Provenance } from "../transforms/provenance.js";
import { withDesiredHash } from "../restore/desired-hash.js";

export interface LiveFixContext {
  readonly clusters: ReadonlyMap<string, ClusterClient>;
  /** The source's CRDs by name (for `apply-crd`). */
  readonly sourceCrdsByName: ReadonlyMap<string, KubeObject>;
  readonly provenance: Provenance;
}

/** Applies one fix; returns a sentence for status saying what was done. */
export async function applyLiveFix(fix: LiveFix, context: LiveFixContext): Promise<string> {
  const client = context.clusters.get(fix.cluster);
  if (client === undefined) throw new FerryError("NotFound", `no client for cluster ${fix.cluster}`);
  switch (fix.kind) {
    case "create-namespace": {
      const ns: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: fix.name } };
      await client.create(withDesiredHash(withProvenance(ns, context.provenance)));
      return `created namespace ${fix.name} on ${fix.cluster}`;
    }
    case "grow-pvc":
      await client.mergePatch(
        { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: fix.namespace, name: fix.name },
        { spec: { resources: { requests: { storage: fix.storage } } } },
      );
      return `grew PersistentVolumeClaim ${fix.namespace}/${fix.name} on ${fix.cluster} to ${fix.storage}`;
    case "apply-crd": {
      const crd = context.sourceCrdsByName.get(fix.crd);
      if (crd === undefined) throw new FerryError("NotFound", `the source has no CRD ${fix.crd}`);
      await client.apply(withDesiredHash(withProvenance(sanitizeForExport(crd), context.provenance)));
      return `applied CRD ${fix.crd} to ${fix.cluster}`;
    }
  }
}
