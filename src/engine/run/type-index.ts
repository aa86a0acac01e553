/**
 * Discovery results indexed the two ways the shell looks types up: by `apiVersion` and kind
 * (to list the live objects a restore compares against), and by `group/Kind` (for kind
 * filters). Built once per cluster per run, so no write pays for discovery.
 */
import { apiGroup, apiVersionOnly, type ResourceType } from "../kube-object.js";
import type { KindInfo } from "../export/kind-filter.js";

export interface TypeIndex {
  readonly types: readonly ResourceType[];
  /** The served type of `apiVersion` + `kind`, if the cluster serves that version. */
  byVersionKind(apiVersion: string, kind: string): ResourceType | undefined;
  /** Kind-filter facts keyed by `group/Kind`. */
  readonly kindInfo: ReadonlyMap<string, KindInfo>;
}

export function indexTypes(types: readonly ResourceType[]): TypeIndex {
  const byKey = new Map<string, ResourceType>();
  const kindInfo = new Map<string, KindInfo>();
  for (const t of types) {
    byKey.set(`${t.group}/${t.version}/${t.kind}`, t);
    kindInfo.set(`${t.group}/${t.kind}`, {
      group: t.group,
      kind: t.kind,
      plural: t.plural,
      ...(t.shortNames === undefined ? {} : { shortNames: t.shortNames }),
    });
  }
  return {
    types,
    byVersionKind: (apiVersion, kind) =>
      byKey.get(`${apiGroup(apiVersion)}/${apiVersionOnly(apiVersion)}/${kind}`),
    kindInfo,
  };
}

/** `apps/v1` for a type. */
export function apiVersionOf(type: ResourceType): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}
