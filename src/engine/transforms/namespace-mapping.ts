/**
 * `namespaceMapping`: moves an object to its target namespace and rewrites the references to
 * namespaces Kubernetes resolves by name — binding subjects, cross-namespace PVC data sources,
 * namespace selectors on `kubernetes.io/metadata.name`, and affinity terms' `namespaces`.
 *
 * Not rewritten, on purpose: DNS names inside strings (`db.shop.svc.cluster.local` in env
 * vars, config maps or an ExternalName service). Ferry cannot tell a service address from any
 * other text; map such values with a resource modifier.
 */
import { cloneObject, isRecord, type KubeObject } from "../kube-object.js";
import { SOURCE_NAMESPACE_ANNOTATION } from "../ferry-metadata.js";

export type NamespaceMapping = Readonly<Record<string, string>>;

const NAME_LABEL = "kubernetes.io/metadata.name";

/** The target name of a source namespace: mapped, or unchanged. */
export function mapNamespace(namespace: string, mapping: NamespaceMapping | undefined): string {
  return mapping !== undefined && Object.hasOwn(mapping, namespace)
    ? (mapping[namespace] ?? namespace)
    : namespace;
}

/**
 * A copy of `obj` with its namespace and namespace references mapped. A renamed object
 * remembers its source namespace in `ferry.dev/source-namespace`.
 */
export function applyNamespaceMapping(obj: KubeObject, mapping: NamespaceMapping | undefined): KubeObject {
  if (mapping === undefined || Object.keys(mapping).length === 0) return obj;
  const copy = cloneObject(obj);
  const map = (ns: string): string => mapNamespace(ns, mapping);
  const source =
    copy.kind === "Namespace" && copy.apiVersion === "v1" ? copy.metadata.name : copy.metadata.namespace;
  if (copy.kind === "Namespace" && copy.apiVersion === "v1") copy.metadata.name = map(copy.metadata.name);
  else if (copy.metadata.namespace !== undefined) copy.metadata.namespace = map(copy.metadata.namespace);
  if (source !== undefined && map(source) !== source) {
    copy.metadata.annotations = { ...copy.metadata.annotations, [SOURCE_NAMESPACE_ANNOTATION]: source };
  }
  if (Array.isArray(copy["subjects"])) {
    for (const subject of copy["subjects"].filter(isRecord)) {
      if (typeof subject["namespace"] === "string") subject["namespace"] = map(subject["namespace"]);
    }
  }
  if (copy.kind === "PersistentVolumeClaim" && isRecord(copy["spec"])) {
    const ref = copy["spec"]["dataSourceRef"];
    if (isRecord(ref) && typeof ref["namespace"] === "string") ref["namespace"] = map(ref["namespace"]);
  }
  rewriteSelectorsAndTerms(copy, map);
  return copy;
}

/** Walks the object for namespace selectors and affinity terms; mutates in place. */
function rewriteSelectorsAndTerms(node: unknown, map: (ns: string) => string): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteSelectorsAndTerms(item, map);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "namespaceSelector" && isRecord(value)) rewriteNameSelector(value, map);
    else if (key === "namespaces" && "topologyKey" in node && Array.isArray(value)) {
      node[key] = (value as unknown[]).map((ns) => (typeof ns === "string" ? map(ns) : ns));
    } else rewriteSelectorsAndTerms(value, map);
  }
}

function rewriteNameSelector(selector: Record<string, unknown>, map: (ns: string) => string): void {
  const labels = selector["matchLabels"];
  if (isRecord(labels) && typeof labels[NAME_LABEL] === "string")
    labels[NAME_LABEL] = map(labels[NAME_LABEL]);
  const expressions = selector["matchExpressions"];
  if (!Array.isArray(expressions)) return;
  for (const expr of expressions.filter(isRecord)) {
    if (expr["key"] === NAME_LABEL && Array.isArray(expr["values"])) {
      expr["values"] = (expr["values"] as unknown[]).map((v) => (typeof v === "string" ? map(v) : v));
    }
  }
}
