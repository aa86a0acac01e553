import type { KubeObject } from "../api.js";
import type { ResourceDef } from "../resources/types.js";
import { SchemaCursor } from "../schema/cursor.js";
import type { ModelCatalog, OpenApiSchema } from "../schema/models.js";
import { crdVersionSchema } from "./crd.js";

type Obj = Record<string, unknown>;

/** A kind's OpenAPI schema and the schemas it references. */
export interface KindSchema {
  root: OpenApiSchema;
  defs: Record<string, OpenApiSchema>;
}

/**
 * The schema of each resource: built-in kinds from the model catalog, custom resources from
 * their stored CRD. Cached, keyed by the CRD's resourceVersion so an updated CRD takes effect.
 */
export class SchemaSource {
  private readonly cache = new Map<string, KindSchema>();

  constructor(
    private readonly catalog: ModelCatalog,
    /** The stored CustomResourceDefinition of that name, if any. */
    private readonly crdOf: (name: string) => KubeObject | undefined,
  ) {}

  /** The OpenAPI schema of a resource's kind and the schemas it references. */
  schemaOf(def: ResourceDef): KindSchema | undefined {
    if (def.crd !== undefined) {
      const crd = this.crdOf(def.crd.name);
      if (crd === undefined) return undefined;
      const cacheKey = `${def.crd.name}@${crd.metadata.resourceVersion ?? ""}/${def.version}`;
      let cached = this.cache.get(cacheKey);
      if (cached === undefined) {
        const schema = crdVersionSchema(crd, def.version) ?? {
          type: "object",
          "x-kubernetes-preserve-unknown-fields": true,
        };
        const defs = this.catalog.schemas("V1ObjectMeta");
        const props = {
          ...((schema["properties"] as Obj | undefined) ?? {}),
          metadata: { allOf: [{ $ref: "#/components/schemas/V1ObjectMeta" }] },
        };
        cached = { root: { ...schema, properties: props }, defs };
        this.cache.set(cacheKey, cached);
      }
      return cached;
    }
    if (def.model === undefined) return undefined;
    let cached = this.cache.get(def.model);
    if (cached === undefined) {
      const defs = this.catalog.schemas(def.model);
      const root = defs[def.model];
      if (root === undefined) return undefined;
      cached = { root, defs };
      this.cache.set(def.model, cached);
    }
    return cached;
  }

  /** A cursor over the resource's schema (an empty one when it has none). */
  cursorOf(def: ResourceDef): SchemaCursor {
    const schema = this.schemaOf(def);
    return new SchemaCursor(schema?.root, schema?.defs ?? {});
  }
}
