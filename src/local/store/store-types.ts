import type { Clock } from "../../core/clock.js";
import type { KubeObject, WatchEventType } from "../api.js";
import type { ResourceDef } from "../resources/types.js";
import type { ModelCatalog } from "../schema/models.js";

/** A change as the store records it, for watches and their history. */
export interface StoreEvent {
  rv: number;
  key: string;
  type: WatchEventType;
  object: KubeObject;
  /** The object before the change, so filtered watches can tell a label change from a delete. */
  previous: KubeObject | undefined;
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Options of a write, mirroring the query parameters of the real API. */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** Warnings for the response's `Warning` headers. */
  warnings?: string[];
  subresource?: "status";
  /** Internal: managedFields were already computed (server-side apply). */
  managedFieldsSet?: boolean;
}

export type PatchType = "json" | "merge" | "strategic" | "apply";

export interface DeleteOptions {
  propagationPolicy?: "Foreground" | "Background" | "Orphan";
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ListFilter {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface StoreOptions {
  clusterName: string;
  catalog: ModelCatalog;
  /** Where the state log lives; memory only when absent. */
  stateDir?: string;
  clock?: Clock;
}

/** One object addressed by a write: the resource, its namespace (if any) and name. */
export interface ObjectAddress {
  def: ResourceDef;
  namespace: string | undefined;
  name: string;
}
