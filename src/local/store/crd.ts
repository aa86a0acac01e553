import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { KubeObject } from "../api.js";
import { cause, type StatusCause } from "../errors.js";
import { col, pathValue } from "../resources/columns.js";
import type { PrinterColumn, ResourceDef } from "../resources/types.js";
import type { OpenApiSchema } from "../schema/models.js";
import { text } from "../text.js";

// ajv-formats is CommonJS; under NodeNext the default import is the plugin function itself.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: OpenApiSchema | undefined;
  subresources: Obj | undefined;
  columns: Obj[];
}

const versionsOf = (crd: KubeObject): CrdVersion[] =>
  asList(asObj(crd["spec"])?.["versions"]).map((v) => ({
    name: String(v["name"]),
    served: v["served"] !== false,
    storage: v["storage"] === true,
    schema: asObj(asObj(v["schema"])?.["openAPIV3Schema"]),
    subresources: asObj(v["subresources"]),
    columns: asList(v["additionalPrinterColumns"]),
  }));

/** Fills the names the server defaults (singular, listKind) in a CRD's spec, in place. */
export function defaultCrd(crd: KubeObject): void {
  const spec = asObj(crd["spec"]);
  const names = asObj(spec?.["names"]);
  if (spec === undefined || names === undefined) return;
  const kind = typeof names["kind"] === "string" ? names["kind"] : "";
  names["singular"] ??= kind.toLowerCase();
  names["listKind"] ??= `${kind}List`;
  spec["conversion"] ??= { strategy: "None" };
  for (const v of asList(spec["versions"])) v["served"] ??= true;
}

/** The status the server gives an accepted CRD: NamesAccepted and Established, storedVersions. */
export function crdStatus(crd: KubeObject, now: string): Obj {
  const spec = asObj(crd["spec"]) ?? {};
  const previous = asObj(crd["status"]);
  const stored = new Set((previous?.["storedVersions"] as string[] | undefined) ?? []);
  for (const v of versionsOf(crd)) if (v.storage) stored.add(v.name);
  const condition = (type: string, reason: string, message: string): Obj => ({
    type,
    status: "True",
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    acceptedNames: spec["names"],
    conditions: [
      condition("NamesAccepted", "NoConflicts", "no conflicts found"),
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
    storedVersions: [...stored],
  };
}

/** A simple JSONPath (`.spec.replicas`, `.status.conditions[0].type`) as a printer column value. */
function jsonPathColumn(c: Obj): PrinterColumn {
  const path = text(c["jsonPath"])
    .replace(/^\./, "")
    .replace(/\[(\d+)\]/g, ".$1")
    .replace(/\[\?\(@\.type=="?([^")]+)"?\)\]/g, ":$1");
  const type = (
    ["integer", "number", "boolean", "date"].includes(String(c["type"])) ? c["type"] : "string"
  ) as PrinterColumn["type"];
  return {
    ...col(String(c["name"]), type, (o) => {
      let current: unknown = o;
      for (const part of path.split(".")) {
        const [field, conditionType] = part.split(":");
        current = pathValue(current, field ?? "");
        if (conditionType !== undefined && Array.isArray(current))
          current = (current as Obj[]).find((x) => x["type"] === conditionType);
      }
      return current ?? (type === "string" || type === "date" ? "" : null);
    }),
    ...(typeof c["priority"] === "number" && c["priority"] > 0 ? { priority: c["priority"] } : {}),
    ...(typeof c["description"] === "string" ? { description: c["description"] } : {}),
  };
}

/** The resource definitions a CRD serves: one per served version. */
export function crdResources(crd: KubeObject): ResourceDef[] {
  const spec = asObj(crd["spec"]) ?? {};
  const names = asObj(spec["names"]) ?? {};
  const versions = versionsOf(crd);
  const storageVersion = versions.find((v) => v.storage)?.name ?? versions[0]?.name ?? "v1";
  return versions
    .filter((v) => v.served)
    .map((v): ResourceDef => {
      const scale = asObj(v.subresources?.["scale"]);
      const strip = (p: unknown): string => text(p).replace(/^\./, "");
      const columns = v.columns.map(jsonPathColumn);
      return {
        group: String(spec["group"]),
        version: v.name,
        resource: String(names["plural"]),
        kind: String(names["kind"]),
        listKind: text(names["listKind"], `${text(names["kind"])}List`),
        singular: text(names["singular"], text(names["kind"]).toLowerCase()),
        namespaced: spec["scope"] !== "Cluster",
        shortNames: (names["shortNames"] as string[] | undefined) ?? [],
        categories: (names["categories"] as string[] | undefined) ?? [],
        status: v.subresources?.["status"] !== undefined,
        ...(scale === undefined
          ? {}
          : {
              scale: {
                specReplicasPath: strip(scale["specReplicasPath"]),
                statusReplicasPath: strip(scale["statusReplicasPath"]),
                ...(scale["labelSelectorPath"] === undefined
                  ? {}
                  : { labelSelectorPath: strip(scale["labelSelectorPath"]) }),
              },
            }),
        generation: true,
        defaultPropagation: "Background",
        returnDeletedObject: true,
        ...(columns.length === 0 ? {} : { columns }),
        crd: { name: crd.metadata.name ?? "", storageVersion, versions: versions.map((x) => x.name) },
      };
    });
}

/** The openAPIV3Schema of one CRD version. */
export const crdVersionSchema = (crd: KubeObject, version: string): OpenApiSchema | undefined =>
  versionsOf(crd).find((v) => v.name === version)?.schema;

/** Structural schema → JSON Schema for ajv: Kubernetes extensions become plain keywords. */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  const s = asObj(schema);
  if (s === undefined) return schema;
  const out: Obj = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith("x-kubernetes-") || k === "description" || k === "example" || k === "externalDocs")
      continue;
    if (k === "properties" || k === "patternProperties" || k === "definitions") {
      out[k] = Object.fromEntries(Object.entries(asObj(v) ?? {}).map(([pk, pv]) => [pk, toJsonSchema(pv)]));
    } else out[k] = typeof v === "object" ? toJsonSchema(v) : v;
  }
  if (s["x-kubernetes-int-or-string"] === true) {
    delete out["type"];
    out["anyOf"] = [{ type: "integer" }, { type: "string" }];
  }
  if (s["nullable"] === true && typeof out["type"] === "string") out["type"] = [out["type"], "null"];
  delete out["nullable"];
  return out;
}

/** Removes fields the schema does not declare (the server's pruning), returning their paths. */
export function prune(value: unknown, schema: OpenApiSchema | undefined, path: string, out: string[]): void {
  if (schema === undefined || schema["x-kubernetes-preserve-unknown-fields"] === true) return;
  if (Array.isArray(value)) {
    const items = asObj(schema["items"]);
    value.forEach((v, i) => prune(v, items, `${path}[${i}]`, out));
    return;
  }
  const o = asObj(value);
  if (o === undefined) return;
  if (schema["x-kubernetes-embedded-resource"] === true && path !== "") return;
  const props = asObj(schema["properties"]);
  const additional = schema["additionalProperties"];
  for (const key of Object.keys(o)) {
    if (path === "" && (key === "metadata" || key === "apiVersion" || key === "kind")) continue;
    const child =
      asObj(props?.[key]) ??
      (typeof additional === "object" ? asObj(additional) : additional === true ? {} : undefined);
    const childPath = path === "" ? key : `${path}.${key}`;
    if (child === undefined) {
      out.push(childPath);
      delete o[key];
    } else prune(o[key], child, childPath, out);
  }
}

function describe(e: ErrorObject, object: unknown): StatusCause {
  const base = e.instancePath
    .replace(/^\//, "")
    .replace(/\/(\d+)(?=\/|$)/g, "[$1]")
    .replace(/\//g, ".");
  if (e.keyword === "required") {
    const missing = String((e.params as { missingProperty?: string }).missingProperty ?? "");
    return cause("FieldValueRequired", base === "" ? missing : `${base}.${missing}`, "Required value");
  }
  const value = e.instancePath
    .split("/")
    .slice(1)
    .reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Obj)[k] : undefined), object);
  const shown = JSON.stringify(value);
  if (e.keyword === "enum") {
    const allowed = ((e.params as { allowedValues?: unknown[] }).allowedValues ?? [])
      .map((v) => JSON.stringify(v))
      .join(", ");
    return cause("FieldValueNotSupported", base, `Unsupported value: ${shown}: supported values: ${allowed}`);
  }
  if (e.keyword === "type") {
    return cause(
      "FieldValueTypeInvalid",
      base,
      `Invalid value: "${typeof value}": ${base} in body must be of type ${String((e.params as { type?: unknown }).type)}: ${shown}`,
    );
  }
  return cause(
    "FieldValueInvalid",
    base,
    `Invalid value: ${shown}: ${base} in body ${e.message ?? "is invalid"}`,
  );
}

/** Validates custom resources against their CRD's structural schema with ajv. */
export class CrValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats(this.ajv);
  }

  /** Causes for `object` (without metadata) under the schema; cached per CRD resourceVersion. */
  validate(cacheKey: string, schema: OpenApiSchema, object: KubeObject): StatusCause[] {
    let fn = this.compiled.get(cacheKey);
    if (fn === undefined) {
      const json = toJsonSchema(schema) as Obj;
      const props = { ...(asObj(json["properties"]) ?? {}) };
      delete props["metadata"];
      delete props["apiVersion"];
      delete props["kind"];
      fn = this.ajv.compile({ ...json, properties: props });
      this.compiled.set(cacheKey, fn);
    }
    const { metadata: _, apiVersion: _a, kind: _k, ...body } = object;
    if (fn(body)) return [];
    return (fn.errors ?? []).map((e) => describe(e, body));
  }
}
