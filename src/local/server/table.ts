import type { KubeObject } from "../api.js";
import { ageColumn } from "../resources/columns.js";
import type { PrinterColumn, ResourceDef } from "../resources/types.js";

export type IncludeObject = "None" | "Metadata" | "Object";

const nameColumn = {
  name: "Name",
  type: "string",
  format: "name",
  description:
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.",
  priority: 0,
};

function columnsOf(def: ResourceDef): PrinterColumn[] {
  const columns = def.columns ?? [];
  return columns.some((c) => c.name === "Age" || c.name === "Created At" || c.name === "Last Seen")
    ? columns
    : [...columns, ageColumn];
}

/** The row object: the full object, its metadata only, or nothing, as `includeObject` asks. */
function rowObject(object: KubeObject, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return object;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
}

/** The meta.k8s.io/v1 Table `kubectl get` asks for, with the kind's columns. */
export function toTable(options: {
  def: ResourceDef;
  objects: readonly KubeObject[];
  include: IncludeObject;
  now: Date;
  listMeta?: Record<string, unknown>;
  headers?: boolean;
}): unknown {
  const { def, objects, include, now } = options;
  const columns = columnsOf(def);
  const displayName = (o: KubeObject): string => {
    const name = o.metadata.name ?? "";
    if (
      def.resource === "storageclasses" &&
      o.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true"
    )
      return `${name} (default)`;
    return name;
  };
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: options.listMeta ?? {},
    ...(options.headers === false
      ? {}
      : {
          columnDefinitions: [
            nameColumn,
            ...columns.map((c) => ({
              name: c.name,
              type: c.type === "date" ? "date" : c.type,
              format: c.format ?? "",
              description: c.description ?? c.name,
              priority: c.priority ?? 0,
            })),
          ],
        }),
    rows: objects.map((o) => {
      const object = rowObject(o, include);
      return {
        cells: [
          displayName(o),
          ...columns.map((c) => c.value(o as unknown as Record<string, unknown>, now) ?? null),
        ],
        ...(object === undefined ? {} : { object }),
      };
    }),
  };
}

/** Whether an Accept header asks for the Table format. */
export const wantsTable = (accept: string | undefined): boolean =>
  accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
