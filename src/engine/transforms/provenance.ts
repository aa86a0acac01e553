/**
 * Provenance: labels and annotations saying which Migration, source cluster and backup an
 * object came from, and the `ferry.dev/managed-by=ferry` label later runs use to recognise
 * objects Ferry created (and may therefore update).
 */
import type { KubeObject } from "../kube-object.js";
import {
  BACKUP_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MIGRATION_KEY,
  SOURCE_CLUSTER_KEY,
  isValidLabelValue,
} from "../ferry-metadata.js";

export interface Provenance {
  /** The Migration's name (for a schedule's runs, the schedule's name: stable across runs). */
  readonly migration: string;
  readonly sourceCluster: string;
  /** The backup id in the replication repository. */
  readonly backup: string;
}

/**
 * A copy of `obj` stamped with provenance. Names also become labels (so
 * `kubectl get -l ferry.dev/migration=shop-to-west` works) when they are valid label values.
 */
export function withProvenance(obj: KubeObject, provenance: Provenance): KubeObject {
  // Only metadata changes; other fields are shared with `obj` (never mutated by the engine).
  const copy: KubeObject = { ...obj, metadata: { ...obj.metadata } };
  const labels: Record<string, string> = { ...copy.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  if (isValidLabelValue(provenance.migration)) labels[MIGRATION_KEY] = provenance.migration;
  if (isValidLabelValue(provenance.sourceCluster)) labels[SOURCE_CLUSTER_KEY] = provenance.sourceCluster;
  copy.metadata.labels = labels;
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    [MIGRATION_KEY]: provenance.migration,
    [SOURCE_CLUSTER_KEY]: provenance.sourceCluster,
    [BACKUP_ANNOTATION]: provenance.backup,
  };
  return copy;
}
