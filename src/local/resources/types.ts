/** How a resource's `/scale` subresource maps onto its object (JSON paths as dotted field paths). */
export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** A column the Table format prints for a resource, read from the object by `value`. */
export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  description?: string;
  /** Higher priorities are only shown with `-o wide`. */
  priority?: number;
  value: (object: Record<string, unknown>, now: Date) => unknown;
}

/** Everything the server knows about one resource of one group/version. */
export interface ResourceDef {
  group: string;
  version: string;
  /** Plural, lower-case: `deployments`. */
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Has a `/status` subresource: status is kept on main-resource writes and reset on create. */
  status: boolean;
  scale?: ScaleSpec;
  /** The client-node model that describes the kind (`V1Deployment`), for schemas; absent for CRs. */
  model?: string;
  /** Whether writes bump `metadata.generation` on spec changes (false for data-only kinds). */
  generation: boolean;
  /** Default delete propagation when the client sends none. */
  defaultPropagation: "Background" | "Orphan";
  /** The real server answers a completed delete with the object rather than a Status. */
  returnDeletedObject: boolean;
  /** Extra columns of the Table format after NAME (AGE is added at the end when absent). */
  columns?: PrinterColumn[];
  /** Other subresources served (`log` for pods). */
  extraSubresources?: string[];
  /** Set for resources served from a CustomResourceDefinition. */
  crd?: { name: string; storageVersion: string; versions: string[] };
}

/** The storage key of a resource: versions of one group/resource share their objects. */
export const storageKey = (group: string, resource: string): string => `${group}/${resource}`;

export const apiVersionOf = (group: string, version: string): string =>
  group === "" ? version : `${group}/${version}`;
