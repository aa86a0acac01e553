import type { KubeObject } from "../api.js";
import { badRequest, invalid, type StatusCause } from "../errors.js";
import { isObj, type Obj } from "../plain-object.js";
import type { ResourceDef } from "../resources/types.js";
import { checkSchema } from "../schema/validate.js";
import { validateKind, validateMetadata } from "./admission.js";
import { type CrValidator, prune } from "./crd.js";
import { admitUpdate } from "./immutable.js";
import type { KindSchema } from "./schema-source.js";
import type { WriteOptions } from "./store-types.js";

/** What validating one write needs: the object, what it replaces, and lookups into the store. */
export interface WriteValidation {
  def: ResourceDef;
  object: KubeObject;
  previous: KubeObject | undefined;
  options: WriteOptions;
  schema: KindSchema | undefined;
  crValidator: CrValidator;
  /** The stored CRD of a custom resource (its resourceVersion keys the validator cache). */
  crdOf: (name: string) => KubeObject | undefined;
  storageClassOf: (namespace: string | undefined, name: string) => KubeObject | undefined;
}

/**
 * Schema, metadata and kind validation; throws 400 for decoding errors and 422 for invalid
 * fields. Unknown fields are warned about or rejected per `fieldValidation`, and dropped from
 * built-in kinds (custom resources are pruned instead).
 */
export function validateWrite(input: WriteValidation): void {
  const { def, object, previous, options, schema } = input;
  const causes: StatusCause[] = [...validateMetadata(def, object)];
  let unknown: string[] = [];
  if (def.crd !== undefined && schema !== undefined) {
    prune(object, schema.root, "", unknown);
    unknown = unknown.filter((p) => p !== "metadata" && !p.startsWith("metadata."));
    const crd = input.crdOf(def.crd.name);
    causes.push(
      ...input.crValidator.validate(
        `${def.crd.name}@${crd?.metadata.resourceVersion ?? ""}/${def.version}`,
        schema.root,
        object,
      ),
    );
  } else if (schema !== undefined) {
    const findings = checkSchema(object, schema.root, schema.defs);
    if (findings.typeErrors.length > 0) {
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: json: ${findings.typeErrors[0] ?? ""}`,
      );
    }
    causes.push(...findings.causes.filter((c) => c.field !== "metadata"));
    unknown = findings.unknownFields;
  }
  causes.push(...validateKind(def, object));
  if (previous !== undefined) causes.push(...admitUpdate(def, object, previous, input.storageClassOf));
  if (causes.length > 0)
    throw invalid({ group: def.group, kind: def.kind, name: object.metadata.name ?? "", causes });
  if (unknown.length > 0) {
    const mode = options.fieldValidation ?? "Warn";
    if (mode === "Strict") {
      const list = unknown.map((p) => `unknown field "${p}"`);
      throw badRequest(`strict decoding error: ${list.join(", ")}`);
    }
    if (mode === "Warn") options.warnings?.push(...unknown.map((p) => `unknown field "${p}"`));
    if (def.crd === undefined) for (const p of unknown) deletePath(object, p);
  }
}

function deletePath(object: Obj, path: string): void {
  const parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  const last = parts.pop();
  let current: unknown = object;
  for (const p of parts) current = isObj(current) || Array.isArray(current) ? (current as Obj)[p] : undefined;
  if (isObj(current) && last !== undefined) delete current[last];
}
