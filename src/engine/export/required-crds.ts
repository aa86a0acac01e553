/**
 * Cluster-scoped dependencies of custom resources: the CustomResourceDefinitions of every
 * included custom resource travel with the export, so the target can serve them.
 */
import { groupKind, isRecord, type KubeObject } from "../kube-object.js";

/** `Kind.group` a CRD defines (`Widget.example.com`), or undefined when it is malformed. */
export function crdGroupKind(crd: KubeObject): string | undefined {
  const spec = crd["spec"];
  if (!isRecord(spec) || typeof spec["group"] !== "string" || !isRecord(spec["names"])) return undefined;
  const kind = spec["names"]["kind"];
  return typeof kind === "string" ? `${kind}.${spec["group"]}` : undefined;
}

/** Indexes the source's CRDs by the `Kind.group` they define. */
export function indexCrds(crds: readonly KubeObject[]): Map<string, KubeObject> {
  const index = new Map<string, KubeObject>();
  for (const crd of crds) {
    const key = crdGroupKind(crd);
    if (key !== undefined) index.set(key, crd);
  }
  return index;
}

/**
 * The CRDs the exported `resources` need, each once, sorted by name so exports are
 * reproducible. Objects of built-in types simply have no entry in `crdsByGroupKind`.
 */
export function requiredCrds(
  resources: readonly KubeObject[],
  crdsByGroupKind: ReadonlyMap<string, KubeObject>,
): KubeObject[] {
  const needed = new Map<string, KubeObject>();
  for (const obj of resources) {
    const crd = crdsByGroupKind.get(groupKind(obj));
    if (crd !== undefined) needed.set(crd.metadata.name, crd);
  }
  return [...needed.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}
