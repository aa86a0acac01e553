/**
 * What the cluster adapter observes on a target before a migration, as plain data. The
 * pre-check functions read only this and the export; gathering it is the shell's job.
 */
import type { KubeObject, ResourceType } from "../kube-object.js";

/** Result of contacting the target: its version (`/version` gitVersion) or the error. */
export type Reachability =
  { readonly ok: true; readonly serverVersion: string } | { readonly ok: false; readonly error: string };

/** One target namespace (a source namespace after `namespaceMapping`). */
export interface NamespaceObservation {
  readonly name: string;
  readonly exists: boolean;
  /** `status.phase`: `Active` or `Terminating`. */
  readonly phase?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Objects Ferry would write that already exist there and were not created by Ferry
   * (`decideRestoreAction` says `skip-foreign`), formatted like `ConfigMap shop/settings`.
   */
  readonly foreignConflicts?: readonly string[];
}

export interface StorageClassObservation {
  readonly name: string;
  /** Annotated `storageclass.kubernetes.io/is-default-class: "true"`. */
  readonly isDefault: boolean;
  readonly allowVolumeExpansion?: boolean;
}

export interface TargetObservations {
  readonly cluster: string;
  readonly reachability: Reachability;
  /** Every target namespace the migration writes to. */
  readonly namespaces: readonly NamespaceObservation[];
  readonly storageClasses: readonly StorageClassObservation[];
  /** ResourceQuotas in the target namespaces, with `status.used`. */
  readonly resourceQuotas: readonly KubeObject[];
  /** LimitRanges in the target namespaces. */
  readonly limitRanges: readonly KubeObject[];
  /** PVCs that already exist on the target under the names the export would write. */
  readonly existingPvcs: readonly KubeObject[];
  /** Every type the target serves (discovery), for CRD and API-version checks. */
  readonly servedResources: readonly ResourceType[];
}
