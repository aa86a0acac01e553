import type { Kind, Manifest, SourceLocation } from "../manifests/types.js";

/** What a plan reads: the objects of a desired state (a `DesiredState` fits). */
export interface PlanState {
  readonly objects: readonly { readonly manifest: Manifest; readonly location?: SourceLocation }[];
}

/** Identifies an object across revisions. */
export interface ObjectKey {
  readonly kind: Kind;
  readonly name: string;
  readonly namespace?: string;
}

/** One field that differs: `before` is absent for an added field, `after` for a removed one. */
export interface FieldChange {
  /** `["spec", "targets", 1, "cluster"]` */
  readonly path: readonly (string | number)[];
  readonly before?: unknown;
  readonly after?: unknown;
}

export type ChangeType = "added" | "changed" | "removed";

export interface ObjectDiff {
  readonly change: ChangeType;
  readonly key: ObjectKey;
  readonly base?: Manifest;
  readonly head?: Manifest;
  /** Where the object is in head (or in base, when removed). */
  readonly location?: SourceLocation;
  /** Field-level changes; empty for added and removed objects. */
  readonly fields: readonly FieldChange[];
}

export interface DesiredStateDiff {
  /** Added, changed and removed objects, sorted by kind order, namespace and name. */
  readonly objects: readonly ObjectDiff[];
  readonly unchanged: number;
}

export type Severity = "info" | "warning";

/** What Ferry will do about one changed object, in plain words. */
export interface PlannedAction {
  readonly change: ChangeType;
  readonly key: ObjectKey;
  readonly severity: Severity;
  /** One sentence, starting with the object: `Migration shop-to-west is new: Ferry will …`. */
  readonly summary: string;
  /** Further sentences (consequences, next runs, objects affected). */
  readonly details: readonly string[];
}

/** A plan: the diff, what it means, and which revisions it compares. */
export interface Plan {
  readonly base: string;
  readonly head: string;
  readonly diff: DesiredStateDiff;
  readonly actions: readonly PlannedAction[];
}
