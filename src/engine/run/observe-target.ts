/**
 * The pre-check gatherer for one target: what H6's verdict functions need, observed with
 * read-only calls (version, discovery, namespaces, storage classes, quotas, limit ranges,
 * existing claims and clashing objects). An unreachable target yields only that.
 */
import type { ClusterClient } from "../../cluster/port.js";
import { errorMessage } from "../../core/errors.js";
import type { MigrationSpec } from "../../manifests/types.js";
import { formatRef, isRecord, refOf, type KubeObject } from "../kube-object.js";
import type {
  NamespaceObservation,
  StorageClassObservation,
  TargetObservations,
} from "../prechecks/observations.js";
import { applyNamespaceMapping, mapNamespace } from "../transforms/namespace-mapping.js";
import { decideRestoreAction } from "../restore/restore-action.js";
import { indexTypes, type TypeIndex } from "./type-index.js";
import { listLiveObjects } from "./live-objects.js";

export interface ObserveInput {
  readonly target: ClusterClient;
  readonly spec: Pick<MigrationSpec, "namespaces" | "namespaceMapping">;
  /** The export (sanitised, before per-target transforms). */
  readonly objects: readonly KubeObject[];
}

export interface ObservedTarget {
  readonly observations: TargetObservations;
  /** Discovery of the target, reused by the restore; undefined when unreachable. */
  readonly types?: TypeIndex;
}

const DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

export async function observeTarget(input: ObserveInput): Promise<ObservedTarget> {
  const { target, spec } = input;
  const empty = {
    cluster: target.name,
    namespaces: [],
    storageClasses: [],
    resourceQuotas: [],
    limitRanges: [],
    existingPvcs: [],
    servedResources: [],
  };
  let version: string;
  let types: TypeIndex;
  try {
    const [v, discovered] = await Promise.all([target.serverVersion(), target.discover()]);
    version = v.gitVersion;
    types = indexTypes(discovered);
  } catch (e) {
    return { observations: { ...empty, reachability: { ok: false, error: errorMessage(e) } } };
  }
  const names = [...new Set(spec.namespaces.map((n) => mapNamespace(n, spec.namespaceMapping)))];
  const mapped = input.objects
    .filter((o) => o.metadata.namespace !== undefined)
    .map((o) => applyNamespaceMapping(o, spec.namespaceMapping));
  const find = (group: string, kind: string) => types.types.find((t) => t.group === group && t.kind === kind);
  const listIn = async (
    group: string,
    kind: string,
    namespaces: readonly string[],
  ): Promise<KubeObject[]> => {
    const type = find(group, kind);
    if (type === undefined) return [];
    const lists = await Promise.all(namespaces.map((namespace) => target.list(type, { namespace })));
    return lists.flat();
  };

  const namespaceObjects = await Promise.all(
    names.map((name) => target.get({ apiVersion: "v1", kind: "Namespace", name })),
  );
  const present = names.filter((_, i) => namespaceObjects[i] !== undefined);
  const [classes, quotas, limitRanges, pvcs, live] = await Promise.all([
    find("storage.k8s.io", "StorageClass") === undefined
      ? Promise.resolve([])
      : target.list(find("storage.k8s.io", "StorageClass")!),
    listIn("", "ResourceQuota", present),
    listIn("", "LimitRange", present),
    listIn("", "PersistentVolumeClaim", present),
    listLiveObjects(
      target,
      types,
      mapped.filter((o) => present.includes(o.metadata.namespace ?? "")),
    ),
  ]);
  const namespaces: NamespaceObservation[] = names.map((name, i) => {
    const ns = namespaceObjects[i];
    if (ns === undefined) return { name, exists: false };
    const foreign = mapped
      .filter((o) => o.metadata.namespace === name)
      .filter((o) => {
        const current = live.get(o);
        return current !== undefined && decideRestoreAction(o, current).action === "skip-foreign";
      })
      .map((o) => formatRef(refOf(o)));
    const status = ns["status"];
    const phase = isRecord(status) && typeof status["phase"] === "string" ? status["phase"] : undefined;
    return {
      name,
      exists: true,
      ...(phase === undefined ? {} : { phase }),
      ...(ns.metadata.labels === undefined ? {} : { labels: ns.metadata.labels }),
      ...(ns.metadata.annotations === undefined ? {} : { annotations: ns.metadata.annotations }),
      foreignConflicts: foreign,
    };
  });
  const claimNames = new Set(
    mapped
      .filter((o) => o.kind === "PersistentVolumeClaim")
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
  );
  return {
    types,
    observations: {
      cluster: target.name,
      reachability: { ok: true, serverVersion: version },
      namespaces,
      storageClasses: classes.map(storageClassObservation),
      resourceQuotas: quotas,
      limitRanges,
      existingPvcs: pvcs.filter((p) => claimNames.has(`${p.metadata.namespace}/${p.metadata.name}`)),
      servedResources: types.types,
    },
  };
}

function storageClassObservation(sc: KubeObject): StorageClassObservation {
  return {
    name: sc.metadata.name,
    isDefault: sc.metadata.annotations?.[DEFAULT_CLASS] === "true",
    ...(typeof sc["allowVolumeExpansion"] === "boolean"
      ? { allowVolumeExpansion: sc["allowVolumeExpansion"] }
      : {}),
  };
}
