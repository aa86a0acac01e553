/**
 * Labels and annotations Ferry writes on the objects it creates. They say where an object came
 * from (provenance) and let a later run recognise its own objects (the `managed-by` label):
 * Ferry updates objects it created and never overwrites others unless told to.
 */

/** Label on every object Ferry writes; value {@link MANAGED_BY_VALUE}. */
export const MANAGED_BY_LABEL = "ferry.dev/managed-by";
export const MANAGED_BY_VALUE = "ferry";

/** Label and annotation: the Migration (or, for schedule runs, the MigrationSchedule) that wrote the object. */
export const MIGRATION_KEY = "ferry.dev/migration";
/** Annotation (and label when the value is a valid label value): the source cluster. */
export const SOURCE_CLUSTER_KEY = "ferry.dev/source-cluster";
/** Annotation: the backup id the object was last written from. Ignored when comparing. */
export const BACKUP_ANNOTATION = "ferry.dev/backup";
/** Annotation: the source namespace, written only when a namespace mapping renamed it. */
export const SOURCE_NAMESPACE_ANNOTATION = "ferry.dev/source-namespace";
/** Annotation: the replica count on the source when `startApplications: false` scaled to 0. */
export const REPLICAS_ANNOTATION = "ferry.dev/replicas";
/** Annotation: a CronJob's original `spec.suspend` when `startApplications: false` suspended it. */
export const SUSPEND_ANNOTATION = "ferry.dev/suspend";
/** Annotation: hash of what Ferry wrote, so a run can tell "unchanged" from "source changed". */
export const DESIRED_HASH_ANNOTATION = "ferry.dev/desired-hash";

/** True when the object carries Ferry's managed-by label. */
export function isManagedByFerry(obj: { metadata: { labels?: Record<string, string> } }): boolean {
  return obj.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** True when `value` may be used as a label value (≤ 63 characters, alphanumeric ends). */
export function isValidLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}
