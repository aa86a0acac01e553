/**
 * What to do with one object on one target. Ferry updates objects it created (they carry
 * `ferry.dev/managed-by=ferry`) and never touches others unless the Migration says
 * `overwrite: true`. An object whose live state already holds everything Ferry would write,
 * from the same source state (same desired hash), is `unchanged`, so a second run writes
 * nothing.
 *
 * The cluster adapter should write `object` with server-side apply (field manager `ferry`,
 * force): fields Ferry stops setting are then removed and server-owned fields are kept.
 */
import { formatRef, refOf, type KubeObject } from "../kube-object.js";
import { DESIRED_HASH_ANNOTATION, MIGRATION_KEY, isManagedByFerry } from "../ferry-metadata.js";
import { VOLATILE_ANNOTATIONS, withDesiredHash } from "./desired-hash.js";
import { firstDifference } from "./contains-desired.js";
import { keepLargerPvcRequest } from "./pvc-size.js";

export type RestoreActionKind = "create" | "update" | "unchanged" | "skip-foreign";

export type RestoreAction =
  | { readonly action: "create" | "update"; readonly reason: string; readonly object: KubeObject }
  | { readonly action: "unchanged" | "skip-foreign"; readonly reason: string };

export interface RestoreActionOptions {
  /** `spec.overwrite`: replace objects Ferry did not create. Default false. */
  readonly overwrite?: boolean;
}

/**
 * Decides create, update, unchanged or skip-foreign for `desired` (the transformed object)
 * given `live` (the target's object of the same name, or undefined).
 */
export function decideRestoreAction(
  desired: KubeObject,
  live: KubeObject | undefined,
  options: RestoreActionOptions = {},
): RestoreAction {
  const stamped = withDesiredHash(desired);
  if (live === undefined) return { action: "create", reason: "not on the target", object: stamped };
  const ours = isManagedByFerry(live);
  if (!ours && !adoptable(live) && options.overwrite !== true) {
    return {
      action: "skip-foreign",
      reason: `${formatRef(refOf(live))} exists and was not created by Ferry; set spec.overwrite: true to replace it`,
    };
  }
  // The hash records the source's state; the written claim never asks for less than it has.
  const object = keepLargerPvcRequest(stamped, live);
  const sameSource =
    live.metadata.annotations?.[DESIRED_HASH_ANNOTATION] ===
    object.metadata.annotations?.[DESIRED_HASH_ANNOTATION];
  const drift = firstDifference(object, live, isVolatile);
  if (ours && sameSource && drift === undefined)
    return { action: "unchanged", reason: "target already matches" };
  return { action: "update", reason: updateReason(ours, sameSource, drift, live), object };
}

function updateReason(
  ours: boolean,
  sameSource: boolean,
  drift: string | undefined,
  live: KubeObject,
): string {
  if (!ours) return "overwriting an object Ferry did not create (spec.overwrite)";
  const previous = live.metadata.annotations?.[MIGRATION_KEY];
  const by = previous === undefined ? "" : ` (last written by migration ${previous})`;
  if (!sameSource) return `source changed${by}`;
  return `changed on the target at ${drift ?? "."}${by}`;
}

function isVolatile(path: readonly (string | number)[]): boolean {
  return (
    path.length === 3 &&
    path[0] === "metadata" &&
    path[1] === "annotations" &&
    VOLATILE_ANNOTATIONS.includes(String(path[2]))
  );
}

/**
 * The `default` ServiceAccount is created by the target's controller, not by a person, so
 * Ferry may take it over when it carries the source's customisation (only then is it exported).
 */
function adoptable(live: KubeObject): boolean {
  return (
    live.kind === "ServiceAccount" &&
    live.apiVersion === "v1" &&
    live.metadata.name === "default" &&
    live.metadata.labels === undefined
  );
}
