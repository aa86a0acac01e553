import type { StatusCause } from "../errors.js";
import type { OpenApiSchema } from "./models.js";

/** What a schema check found: 400-class decoding errors, 422-class causes, unknown fields. */
export interface SchemaFindings {
  typeErrors: string[];
  causes: StatusCause[];
  unknownFields: string[];
}

/**
 * Checks an object against the OpenAPI schemas of its kind: types (a decoding error on the
 * real server), required fields, and fields the schema does not know (reported, so the
 * caller can apply `fieldValidation`). `.status` is left alone: controllers own it.
 */
export function checkSchema(
  object: unknown,
  root: OpenApiSchema,
  defs: Readonly<Record<string, OpenApiSchema>>,
): SchemaFindings {
  const findings: SchemaFindings = { typeErrors: [], causes: [], unknownFields: [] };
  walk(object, root, "", defs, findings);
  return findings;
}

function resolve(schema: OpenApiSchema, defs: Readonly<Record<string, OpenApiSchema>>): OpenApiSchema {
  let s = schema;
  for (let i = 0; i < 8; i++) {
    const allOf = s["allOf"];
    const ref =
      typeof s["$ref"] === "string"
        ? s["$ref"]
        : Array.isArray(allOf) && allOf.length === 1
          ? (allOf[0] as OpenApiSchema)["$ref"]
          : undefined;
    if (typeof ref !== "string") return s;
    s = defs[ref.replace("#/components/schemas/", "")] ?? {};
  }
  return s;
}

const typeName = (v: unknown): string =>
  Array.isArray(v) ? "array" : v === null ? "null" : typeof v === "number" ? "number" : typeof v;

function walk(
  value: unknown,
  schema: OpenApiSchema,
  path: string,
  defs: Readonly<Record<string, OpenApiSchema>>,
  out: SchemaFindings,
): void {
  if (value === null || value === undefined) return;
  const s = resolve(schema, defs);
  if (s["x-kubernetes-int-or-string"] === true) {
    if (typeof value !== "number" && typeof value !== "string")
      out.typeErrors.push(
        `cannot unmarshal ${typeName(value)} into Go struct field ${path} of type intstr.IntOrString`,
      );
    return;
  }
  if (s["x-kubernetes-preserve-unknown-fields"] === true && s["type"] === undefined) return;
  const type = s["type"];
  switch (type) {
    case "string":
      if (typeof value !== "string")
        out.typeErrors.push(
          `cannot unmarshal ${typeName(value)} into Go struct field ${path} of type string`,
        );
      return;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value))
        out.typeErrors.push(`cannot unmarshal ${typeName(value)} into Go struct field ${path} of type int`);
      return;
    case "number":
      if (typeof value !== "number")
        out.typeErrors.push(
          `cannot unmarshal ${typeName(value)} into Go struct field ${path} of type float64`,
        );
      return;
    case "boolean":
      if (typeof value !== "boolean")
        out.typeErrors.push(`cannot unmarshal ${typeName(value)} into Go struct field ${path} of type bool`);
      return;
    case "array": {
      if (!Array.isArray(value)) {
        out.typeErrors.push(`cannot unmarshal ${typeName(value)} into Go struct field ${path} of type []`);
        return;
      }
      const items = s["items"] as OpenApiSchema | undefined;
      if (items !== undefined) value.forEach((item, i) => walk(item, items, `${path}[${i}]`, defs, out));
      return;
    }
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) {
        out.typeErrors.push(
          `cannot unmarshal ${typeName(value)} into Go struct field ${path} of type object`,
        );
        return;
      }
      const record = value as Record<string, unknown>;
      const props = s["properties"] as Record<string, OpenApiSchema> | undefined;
      const additional = s["additionalProperties"] as OpenApiSchema | undefined;
      if (props !== undefined) {
        for (const name of (s["required"] as string[] | undefined) ?? []) {
          if (record[name] === undefined || record[name] === null) {
            out.causes.push({
              reason: "FieldValueRequired",
              message: "Required value",
              field: join(path, name),
            });
          }
        }
      }
      for (const [key, child] of Object.entries(record)) {
        const childPath = join(path, key);
        if (path === "" && key === "status") continue;
        const childSchema = props?.[key] ?? additional;
        if (childSchema === undefined) {
          if (s["x-kubernetes-preserve-unknown-fields"] !== true) out.unknownFields.push(childPath);
          continue;
        }
        walk(child, childSchema, childPath, defs, out);
      }
      return;
    }
    default:
      return;
  }
}

const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);
