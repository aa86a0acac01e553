import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { extraModels } from "./extra-models.js";
import { listMapKeys, primitiveMergeLists } from "./merge-keys.js";

/** One property of a client-node model, as its generated `attributeTypeMap` lists it. */
export interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

/** A model's properties, required names and descriptions. */
export interface ModelInfo {
  name: string;
  description: string;
  attributes: Attribute[];
  required: string[];
  descriptions: Record<string, string>;
}

/** An OpenAPI v3 schema object, loosely typed. */
export type OpenApiSchema = Record<string, unknown>;

/** Map fields whose values are resource quantities (int-or-string in the real API). */
const QUANTITY_MAPS = new Set([
  "limits",
  "requests",
  "capacity",
  "allocatable",
  "hard",
  "used",
  "default",
  "defaultRequest",
  "max",
  "min",
  "maxLimitRequestRatio",
  "overhead",
  "allocatedResources",
]);

/**
 * The Kubernetes models as client-node generates them from the real OpenAPI document: their
 * properties and types come from the classes' `attributeTypeMap`, their required fields and
 * descriptions from the declaration files next to them. The local server builds its OpenAPI
 * documents and its schema validation from these, so neither is hand-written.
 */
export class ModelCatalog {
  private readonly cache = new Map<string, ModelInfo | null>();
  private readonly modelsDir: string;

  constructor() {
    const entry = createRequire(import.meta.url).resolve("@kubernetes/client-node");
    this.modelsDir = join(dirname(entry), "gen", "models");
  }

  /** The model, or undefined when the name is not a model (a primitive, or unknown). */
  model(name: string): ModelInfo | undefined {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const info = this.load(name);
    this.cache.set(name, info ?? null);
    return info;
  }

  private load(name: string): ModelInfo | undefined {
    const extra = extraModels[name];
    if (extra !== undefined) {
      return {
        name,
        description: extra.description,
        attributes: extra.attributes,
        required: extra.required,
        descriptions: {},
      };
    }
    const cls = (k8s as unknown as Record<string, { attributeTypeMap?: Attribute[] } | undefined>)[name];
    if (cls === undefined || !Array.isArray(cls.attributeTypeMap)) return undefined;
    const { description, required, descriptions } = this.readDeclaration(name);
    return { name, description, attributes: cls.attributeTypeMap, required, descriptions };
  }

  private readDeclaration(name: string): {
    description: string;
    required: string[];
    descriptions: Record<string, string>;
  } {
    let text: string;
    try {
      text = readFileSync(join(this.modelsDir, `${name}.d.ts`), "utf8");
    } catch {
      return { description: "", required: [], descriptions: {} };
    }
    const classDoc = /\/\*\*\s*\n\* ([\s\S]*?)\n\*\/\s*\nexport declare class/.exec(text);
    const required: string[] = [];
    const descriptions: Record<string, string> = {};
    const prop = /(?:\/\*\*\s*\n\s*\* ([\s\S]*?)\n\s*\*\/\s*\n)?\s*'([^']+)'(\?)?: /g;
    for (let m = prop.exec(text); m !== null; m = prop.exec(text)) {
      const field = m[2] ?? "";
      if (m[3] === undefined) required.push(field);
      if (m[1] !== undefined) descriptions[field] = m[1].replace(/\n\s*\*\s?/g, " ").trim();
    }
    return { description: classDoc?.[1]?.replace(/\n\*\s?/g, " ").trim() ?? "", required, descriptions };
  }

  /**
   * The OpenAPI v3 schema of a model and of every model it references, keyed by model name,
   * with the list-type and patch annotations kubectl and server-side apply read.
   */
  schemas(root: string, into: Record<string, OpenApiSchema> = {}): Record<string, OpenApiSchema> {
    if (into[root] !== undefined) return into;
    const model = this.model(root);
    if (model === undefined) return into;
    const properties: Record<string, OpenApiSchema> = {};
    into[root] = {}; // reserve the name before recursing, models refer to each other in cycles
    const referenced: string[] = [];
    for (const attr of model.attributes) {
      const schema = this.typeSchema(attr.type, attr.format, attr.baseName, referenced);
      const description = model.descriptions[attr.name] ?? model.descriptions[attr.baseName];
      properties[attr.baseName] = description === undefined ? schema : { ...schema, description };
    }
    into[root] = {
      type: "object",
      ...(model.description === "" ? {} : { description: model.description }),
      properties,
      ...(model.required.length === 0 ? {} : { required: model.required }),
    };
    for (const name of referenced) this.schemas(name, into);
    return into;
  }

  private typeSchema(type: string, format: string, field: string, referenced: string[]): OpenApiSchema {
    const array = /^Array<(.+)>$/.exec(type);
    if (array !== null) {
      const itemType = array[1] ?? "any";
      const items = this.typeSchema(itemType, "", "", referenced);
      const keys = listMapKeys(itemType, field);
      const annotations: OpenApiSchema =
        keys !== undefined
          ? {
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": keys,
              "x-kubernetes-patch-merge-key": keys[0],
              "x-kubernetes-patch-strategy": "merge",
            }
          : primitiveMergeLists.has(field)
            ? { "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge" }
            : {};
      return { type: "array", items, ...annotations };
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map !== null) {
      const valueType = map[1] ?? "any";
      const values =
        valueType === "string" && QUANTITY_MAPS.has(field)
          ? { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] }
          : this.typeSchema(valueType, "", "", referenced);
      return { type: "object", additionalProperties: values };
    }
    switch (type) {
      case "string":
        return format === "" ? { type: "string" } : { type: "string", format };
      case "number":
        return format === "int32" || format === "int64"
          ? { type: "integer", format }
          : { type: "number", format: "double" };
      case "boolean":
        return { type: "boolean" };
      case "Date":
        return { type: "string", format: "date-time" };
      case "IntOrString":
        return { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] };
      case "any":
        return { "x-kubernetes-preserve-unknown-fields": true };
      default:
        if (this.model(type) === undefined) return { "x-kubernetes-preserve-unknown-fields": true };
        referenced.push(type);
        return { allOf: [{ $ref: `#/components/schemas/${type}` }], default: {} };
    }
  }
}
