/**
 * The export decision for one listed object: the Migration's namespaces, kind filter and label
 * selector, then the built-in skip rules. The cluster adapter lists every namespaced type
 * discovery says can be listed in the selected namespaces and keeps what this accepts.
 */
import type { ResourceFilter } from "../../manifests/types.js";
import { apiGroup, type KubeObject } from "../kube-object.js";
import { kindAllowed, type KindInfo } from "./kind-filter.js";
import { matchesLabelSelector } from "./label-selector.js";
import { skipReason, type SkipContext } from "./skip-rules.js";

export interface ExportContext extends SkipContext {
  /** Source namespaces to export (`spec.namespaces`). */
  readonly namespaces: readonly string[];
  readonly resourceFilter?: ResourceFilter;
  /** Discovery facts (plural, short names) for kind filters, keyed by `group/Kind`. */
  readonly kindInfo?: ReadonlyMap<string, KindInfo>;
}

export type ExportDecision = { readonly export: true } | { readonly export: false; readonly reason: string };

const YES: ExportDecision = { export: true };
const no = (reason: string): ExportDecision => ({ export: false, reason });

/**
 * Whether `obj` belongs in the export. Namespaces named in `spec.namespaces` are always
 * exported (they hold everything else; the label selector does not apply to them). Other
 * cluster-scoped objects are not exported here: their dependencies come from
 * `requiredCrds` / `requiredClusterRbac`.
 */
export function shouldExport(obj: KubeObject, context: ExportContext): ExportDecision {
  if (obj.kind === "Namespace" && obj.apiVersion === "v1") {
    return context.namespaces.includes(obj.metadata.name) ? YES : no("namespace not selected");
  }
  const namespace = obj.metadata.namespace;
  if (namespace === undefined) return no("cluster-scoped objects are exported only as dependencies");
  if (!context.namespaces.includes(namespace)) return no(`namespace ${namespace} not selected`);
  if (!kindAllowed(kindInfoOf(obj, context), context.resourceFilter)) return no("kind filtered out");
  const skip = skipReason(obj, context);
  if (skip !== undefined) return no(skip);
  if (!matchesLabelSelector(context.resourceFilter?.labelSelector, obj.metadata.labels)) {
    return no("labels do not match the selector");
  }
  return YES;
}

/** The kind-filter facts for an object: discovery's when given, else what the object says. */
export function kindInfoOf(obj: KubeObject, context: Pick<ExportContext, "kindInfo">): KindInfo {
  const group = apiGroup(obj.apiVersion);
  return context.kindInfo?.get(`${group}/${obj.kind}`) ?? { group, kind: obj.kind };
}
