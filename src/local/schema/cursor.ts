import type { OpenApiSchema } from "./models.js";

/**
 * Walks an OpenAPI schema alongside an object, for the patch and apply engines: which
 * lists are maps keyed by which fields, which are sets, which are atomic.
 */
export class SchemaCursor {
  constructor(
    private readonly schema: OpenApiSchema | undefined,
    private readonly defs: Readonly<Record<string, OpenApiSchema>>,
  ) {}

  private resolved(): OpenApiSchema | undefined {
    let s = this.schema;
    for (let i = 0; i < 8 && s !== undefined; i++) {
      const ref = typeof s["$ref"] === "string" ? s["$ref"] : firstAllOfRef(s);
      if (ref === undefined) return s;
      s = this.defs[ref.replace("#/components/schemas/", "")];
    }
    return s;
  }

  /** The schema of an object field (or of a map's values). */
  field(name: string): SchemaCursor {
    const s = this.resolved();
    const props = s?.["properties"] as Record<string, OpenApiSchema> | undefined;
    const additional = s?.["additionalProperties"];
    const next =
      props?.[name] ??
      (typeof additional === "object" && additional !== null ? (additional as OpenApiSchema) : undefined);
    return new SchemaCursor(next, this.defs);
  }

  /** The schema of a list's items. */
  item(): SchemaCursor {
    const items = this.resolved()?.["items"];
    return new SchemaCursor(
      typeof items === "object" && items !== null ? (items as OpenApiSchema) : undefined,
      this.defs,
    );
  }

  /** The keys of a list-map, or undefined for atomic lists and sets. */
  listKeys(): string[] | undefined {
    const s = this.resolved();
    if (s === undefined) return undefined;
    const keys = s["x-kubernetes-list-map-keys"];
    if (s["x-kubernetes-list-type"] === "map" && Array.isArray(keys)) return keys as string[];
    const mergeKey = s["x-kubernetes-patch-merge-key"];
    return typeof mergeKey === "string" ? [mergeKey] : undefined;
  }

  /** Whether a list of scalars merges as a set. */
  isSet(): boolean {
    const s = this.resolved();
    return (
      s?.["x-kubernetes-list-type"] === "set" ||
      (s?.["x-kubernetes-patch-strategy"] === "merge" && this.listKeys() === undefined)
    );
  }

  /** Whether the schema is a map with arbitrary keys (labels), whose entries merge individually. */
  get known(): boolean {
    return this.resolved() !== undefined;
  }
}

function firstAllOfRef(s: OpenApiSchema): string | undefined {
  const allOf = s["allOf"];
  if (!Array.isArray(allOf) || allOf.length !== 1) return undefined;
  const ref = (allOf[0] as OpenApiSchema | undefined)?.["$ref"];
  return typeof ref === "string" ? ref : undefined;
}
