/**
 * The transform pipeline for one exported (already sanitised) object and one target, in this
 * order:
 *   1. namespace mapping     — the object moves to its target namespace;
 *   2. storage-class mapping — PVCs and claim templates ask for the target's classes;
 *   3. startApplications     — workloads stopped unless `startApplications: true`;
 *   4. resource modifiers    — user patches see the mapped, stopped object (so they can
 *                              override anything above), matched on its source name and
 *                              namespace;
 *   5. provenance            — last, so no modifier can remove Ferry's ownership marks.
 */
import type { MigrationSpec } from "../../manifests/types.js";
import { err, ok, type Result } from "../../core/result.js";
import type { KubeObject } from "../kube-object.js";
import { applyNamespaceMapping } from "./namespace-mapping.js";
import { applyStorageClassMapping } from "./storage-class-mapping.js";
import { stopApplication } from "./start-applications.js";
import { applyResourceModifiers, type ModifierProblem } from "./resource-modifiers.js";
import { withProvenance } from "./provenance.js";

/** The parts of a Migration spec transforms read. */
export type TransformSpec = Pick<
  MigrationSpec,
  "namespaceMapping" | "storageClassMapping" | "startApplications" | "resourceModifiers"
>;

export interface TransformContext {
  /**
   * The Migration's name; for a MigrationSchedule's runs, the schedule's name — it must stay
   * the same across runs, or every run would rewrite every object. The backup id (volatile,
   * ignored when comparing) tells runs apart.
   */
  readonly migration: string;
  readonly sourceCluster: string;
  /** The backup id the object was read from. */
  readonly backup: string;
}

/** The object as it will be written to the target, or the resource-modifier problems. */
export function transformForTarget(
  obj: KubeObject,
  spec: TransformSpec,
  context: TransformContext,
): Result<KubeObject, ModifierProblem[]> {
  const source = { name: obj.metadata.name, namespace: obj.metadata.namespace };
  let out = applyNamespaceMapping(obj, spec.namespaceMapping);
  out = applyStorageClassMapping(out, spec.storageClassMapping);
  // Stork's default: applications start only at failover.
  if (spec.startApplications !== true) out = stopApplication(out);
  const modified = applyResourceModifiers(out, spec.resourceModifiers, source);
  if (!modified.ok) return err(modified.error);
  return ok(withProvenance(modified.value, context));
}
