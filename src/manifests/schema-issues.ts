import type { ErrorObject } from "ajv";
import { FORMAT_MESSAGES } from "./formats.js";
import { MAX_PVCS_PER_GROUP, type FieldPath, type Kind, type SchemaIssue } from "./types.js";

/**
 * Turns one Ajv error into a problem a person can act on: the field path as it reads in the
 * YAML, a code, and a message in plain words. Returns undefined for errors that only repeat
 * another one (the branches of a one-of, `if`, the outer propertyNames error).
 */
export function schemaIssue(error: ErrorObject, document: unknown, kind: Kind): SchemaIssue | undefined {
  const inBranch = /\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath);
  if (inBranch && error.keyword === "required") return undefined;
  if (error.keyword === "if" || error.keyword === "propertyNames") return undefined;
  if (error.instancePath === "/apiVersion" || error.instancePath === "/kind") return undefined;

  const path = pathOf(error.instancePath, document);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;

  switch (error.keyword) {
    case "additionalProperties": {
      const field = String(params["additionalProperty"]);
      const allowed = Object.keys((parent["properties"] as Record<string, unknown> | undefined) ?? {});
      const hint = suggestion(field, allowed);
      return {
        path: [...path, field],
        code: "unknown-field",
        message:
          allowed.length === 0
            ? `unknown field "${field}"`
            : `unknown field "${field}"${hint === undefined ? "" : ` (did you mean "${hint}"?)`}; allowed: ${allowed.join(", ")}`,
      };
    }
    case "required":
      return {
        path: [...path, String(params["missingProperty"])],
        code: "missing-field",
        message: "missing required field",
      };
    case "type":
      return {
        path,
        code: "invalid-type",
        message: `must be ${article(String(params["type"]))}, not ${typeName(error.data)}`,
      };
    case "format": {
      const format = String(params["format"]);
      const what = FORMAT_MESSAGES[format] ?? `must be in the format ${format}`;
      if (propertyName !== undefined) {
        return {
          path: [...path, propertyName],
          code: "invalid-name",
          message: `key ${JSON.stringify(propertyName)} ${what}`,
        };
      }
      return {
        path,
        code: format.startsWith("dns1123") ? "invalid-name" : "invalid-value",
        message: `${JSON.stringify(error.data)} ${what}`,
      };
    }
    case "enum":
      return {
        path,
        code: "invalid-value",
        message: `${JSON.stringify(error.data)} is not one of ${(params["allowedValues"] as unknown[]).map(String).join(", ")}`,
      };
    case "const":
      return { path, code: "invalid-value", message: `must be ${JSON.stringify(params["allowedValue"])}` };
    case "oneOf":
    case "anyOf":
      return oneOfIssue(error, path, parent);
    case "maxItems":
      if (kind === "VolumeGroup" && path.join(".") === "spec.pvcs") {
        const count = Array.isArray(error.data) ? error.data.length : 0;
        return {
          path,
          code: "too-many-pvcs",
          message: `a VolumeGroup is a consistency group of at most ${MAX_PVCS_PER_GROUP} PVCs; this one lists ${count}`,
        };
      }
      return { path, code: "invalid-value", message: error.message ?? "has too many items" };
    case "uniqueItems":
      return {
        path,
        code: "invalid-value",
        message: `must not repeat an item (items ${String(params["j"])} and ${String(params["i"])} are equal)`,
      };
    default:
      return { path, code: "invalid-value", message: error.message ?? `fails ${error.keyword}` };
  }
}

function oneOfIssue(error: ErrorObject, path: FieldPath, parent: Record<string, unknown>): SchemaIssue {
  const branches = (parent[error.keyword] as { required?: string[] }[] | undefined) ?? [];
  const names = branches.flatMap((b) => b.required ?? []);
  const list = names.join(", ");
  if (error.keyword === "anyOf") {
    return { path, code: "missing-field", message: `needs at least one of: ${list}` };
  }
  const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (Array.isArray(passing)) {
    const set = passing.map((i) => names[i]).filter((n) => n !== undefined);
    return { path, code: "one-of", message: `set only one of ${list} (found ${set.join(" and ")})` };
  }
  return { path, code: "one-of", message: `needs exactly one of: ${list}` };
}

/** `/spec/targets/1/cluster` → `["spec", "targets", 1, "cluster"]`, numbers only for array indexes. */
function pathOf(pointer: string, document: unknown): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let node: unknown = document;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      const index = Number(segment);
      out.push(index);
      node = node[index];
    } else {
      out.push(segment);
      node =
        typeof node === "object" && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${value}`;
  return typeof value;
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    array: "a list",
    string: "a string",
    integer: "an integer",
    number: "a number",
    boolean: "true or false",
    null: "null",
  };
  return type
    .split(",")
    .map((t) => names[t] ?? t)
    .join(" or ");
}

/** The allowed name closest to a misspelt one, when it is close enough to be the likely intent. */
function suggestion(field: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(field.length / 3)) + 1;
  for (const name of allowed) {
    const d = distance(field.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
