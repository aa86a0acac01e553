import type { KubeObject } from "../api.js";
import { cause, type StatusCause } from "../errors.js";
import { asList, maybeObj } from "../plain-object.js";
import { text } from "../text.js";

/** A CRD's group, names, scope and versions (one storage version, schemas present). */
export function crdCauses(object: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = maybeObj(object["spec"]);
  if (spec === undefined) return [cause("FieldValueRequired", "spec", "Required value")];
  const group = typeof spec["group"] === "string" ? spec["group"] : "";
  const names = maybeObj(spec["names"]) ?? {};
  const plural = typeof names["plural"] === "string" ? names["plural"] : "";
  if (group === "") causes.push(cause("FieldValueRequired", "spec.group", "Required value"));
  else if (!group.includes("."))
    causes.push(
      cause(
        "FieldValueInvalid",
        "spec.group",
        `Invalid value: "${group}": should be a domain with at least one dot`,
      ),
    );
  if (plural === "") causes.push(cause("FieldValueRequired", "spec.names.plural", "Required value"));
  if (typeof names["kind"] !== "string" || names["kind"] === "")
    causes.push(cause("FieldValueRequired", "spec.names.kind", "Required value"));
  if (object.metadata.name !== `${plural}.${group}`) {
    causes.push(
      cause(
        "FieldValueInvalid",
        "metadata.name",
        `Invalid value: "${object.metadata.name ?? ""}": must be spec.names.plural+"."+spec.group`,
      ),
    );
  }
  if (spec["scope"] !== "Namespaced" && spec["scope"] !== "Cluster") {
    causes.push(
      cause(
        "FieldValueNotSupported",
        "spec.scope",
        `Unsupported value: "${text(spec["scope"])}": supported values: "Cluster", "Namespaced"`,
      ),
    );
  }
  const versions = asList(spec["versions"]);
  if (versions.length === 0)
    causes.push(
      cause(
        "FieldValueInvalid",
        "spec.versions",
        "Invalid value: must have exactly one version marked as storage version",
      ),
    );
  else if (versions.filter((v) => v["storage"] === true).length !== 1) {
    causes.push(
      cause(
        "FieldValueInvalid",
        "spec.versions",
        "Invalid value: must have exactly one version marked as storage version",
      ),
    );
  }
  versions.forEach((v, i) => {
    const schema = maybeObj(maybeObj(v["schema"])?.["openAPIV3Schema"]);
    if (schema === undefined)
      causes.push(
        cause(
          "FieldValueRequired",
          `spec.versions[${i}].schema.openAPIV3Schema`,
          "Required value: schemas are required",
        ),
      );
    else if (schema["type"] !== "object")
      causes.push(
        cause(
          "FieldValueInvalid",
          `spec.versions[${i}].schema.openAPIV3Schema.type`,
          "Invalid value: must be object at the root",
        ),
      );
  });
  return causes;
}
