import type { KubeObject } from "../api.js";
import { cause, type StatusCause } from "../errors.js";
import { asList, maybeObj } from "../plain-object.js";
import type { ResourceDef } from "../resources/types.js";
import { text } from "../text.js";
import { crdCauses } from "./crd-validation.js";
import { labelKeyProblems, labelValueProblems, nameProblems, nameRule } from "./names.js";
import { podSpecCauses, workloadCauses } from "./workload-validation.js";

/** Validation of metadata every kind shares: name rules, label keys and values. */
export function validateMetadata(def: ResourceDef, object: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = object.metadata.name ?? "";
  for (const problem of nameProblems(name, nameRule(def.resource))) {
    causes.push(cause("FieldValueInvalid", "metadata.name", `Invalid value: "${name}": ${problem}`));
  }
  for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
    for (const p of labelKeyProblems(key))
      causes.push(cause("FieldValueInvalid", "metadata.labels", `Invalid value: "${key}": ${p}`));
    if (typeof value !== "string") continue;
    for (const p of labelValueProblems(value))
      causes.push(cause("FieldValueInvalid", "metadata.labels", `Invalid value: "${value}": ${p}`));
  }
  return causes;
}

/** Kind-specific validation, as the real server's validation of each kind (the checks that matter). */
export function validateKind(def: ResourceDef, object: KubeObject): StatusCause[] {
  const spec = maybeObj(object["spec"]);
  switch (`${def.group}/${def.resource}`) {
    case "/pods":
      return podSpecCauses(spec, "spec");
    case "apps/deployments":
    case "apps/replicasets":
    case "apps/statefulsets":
    case "apps/daemonsets":
    case "batch/jobs":
      return workloadCauses(spec, def.kind);
    case "batch/cronjobs": {
      const causes: StatusCause[] = [];
      if (typeof spec?.["schedule"] !== "string" || spec["schedule"] === "")
        causes.push(cause("FieldValueRequired", "spec.schedule", "Required value"));
      const jobSpec = maybeObj(maybeObj(spec?.["jobTemplate"])?.["spec"]);
      causes.push(
        ...workloadCauses(jobSpec, "Job").map((c) => ({ ...c, field: `spec.jobTemplate.${c.field ?? ""}` })),
      );
      return causes;
    }
    case "/services": {
      const causes: StatusCause[] = [];
      const type = spec?.["type"];
      if (
        type !== undefined &&
        !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].includes(text(type))
      ) {
        causes.push(
          cause(
            "FieldValueNotSupported",
            "spec.type",
            `Unsupported value: "${text(type)}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
          ),
        );
      }
      asList(spec?.["ports"]).forEach((p, i) => {
        const port = p["port"];
        if (typeof port !== "number" || port < 1 || port > 65535)
          causes.push(
            cause(
              "FieldValueInvalid",
              `spec.ports[${i}].port`,
              `Invalid value: ${String(port)}: must be between 1 and 65535, inclusive`,
            ),
          );
      });
      if (asList(spec?.["ports"]).length === 0 && type !== "ExternalName" && spec?.["clusterIP"] !== "None") {
        causes.push(cause("FieldValueRequired", "spec.ports", "Required value"));
      }
      return causes;
    }
    case "/persistentvolumeclaims": {
      const causes: StatusCause[] = [];
      const modes = spec?.["accessModes"];
      if (!Array.isArray(modes) || modes.length === 0)
        causes.push(
          cause(
            "FieldValueRequired",
            "spec.accessModes",
            "Required value: at least 1 access mode is required",
          ),
        );
      const storage = maybeObj(maybeObj(spec?.["resources"])?.["requests"])?.["storage"];
      if (storage === undefined)
        causes.push(cause("FieldValueRequired", "spec.resources[storage]", "Required value"));
      return causes;
    }
    case "/configmaps":
    case "/secrets": {
      const causes: StatusCause[] = [];
      for (const field of ["data", "binaryData", "stringData"]) {
        for (const key of Object.keys(maybeObj(object[field]) ?? {})) {
          if (!/^[-._a-zA-Z0-9]+$/.test(key) || key.length > 253) {
            causes.push(
              cause(
                "FieldValueInvalid",
                `${field}[${key}]`,
                `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
              ),
            );
          }
        }
      }
      return causes;
    }
    case "apiextensions.k8s.io/customresourcedefinitions":
      return crdCauses(object);
    default:
      return [];
  }
}
