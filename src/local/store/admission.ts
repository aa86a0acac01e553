import type { KubeObject } from "../api.js";
import { cause, type StatusCause } from "../errors.js";
import type { ResourceDef } from "../resources/types.js";
import { labelKeyProblems, labelValueProblems, nameProblems, nameRule } from "./names.js";
import { labelsMatch, type Requirement } from "./selectors.js";
import { text } from "../text.js";

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const asList = (v: unknown): Obj[] =>
  Array.isArray(v) ? (v.filter((x) => asObj(x) !== undefined) as Obj[]) : [];

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

function podSpecCauses(spec: Obj | undefined, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (spec === undefined) return [cause("FieldValueRequired", path, "Required value")];
  const containers = asList(spec["containers"]);
  if (containers.length === 0)
    causes.push(cause("FieldValueRequired", `${path}.containers`, "Required value"));
  const seen = new Set<string>();
  for (const key of ["initContainers", "containers"]) {
    asList(spec[key]).forEach((c, i) => {
      const name = typeof c["name"] === "string" ? c["name"] : "";
      if (name === "")
        causes.push(cause("FieldValueRequired", `${path}.${key}[${i}].name`, "Required value"));
      else if (nameProblems(name, "label").length > 0)
        causes.push(
          cause(
            "FieldValueInvalid",
            `${path}.${key}[${i}].name`,
            `Invalid value: "${name}": must be a DNS label`,
          ),
        );
      else if (seen.has(name))
        causes.push(cause("FieldValueDuplicate", `${path}.${key}[${i}].name`, `Duplicate value: "${name}"`));
      seen.add(name);
      if (typeof c["image"] !== "string" || c["image"] === "")
        causes.push(cause("FieldValueRequired", `${path}.${key}[${i}].image`, "Required value"));
    });
  }
  const volumes = new Set<string>();
  asList(spec["volumes"]).forEach((v, i) => {
    const name = typeof v["name"] === "string" ? v["name"] : "";
    if (volumes.has(name))
      causes.push(cause("FieldValueDuplicate", `${path}.volumes[${i}].name`, `Duplicate value: "${name}"`));
    volumes.add(name);
  });
  const restart = spec["restartPolicy"];
  if (restart !== undefined && !["Always", "OnFailure", "Never"].includes(text(restart))) {
    causes.push(
      cause(
        "FieldValueNotSupported",
        `${path}.restartPolicy`,
        `Unsupported value: "${text(restart)}": supported values: "Always", "OnFailure", "Never"`,
      ),
    );
  }
  return causes;
}

function selectorRequirements(selector: Obj): Requirement[] {
  const reqs: Requirement[] = Object.entries(
    (selector["matchLabels"] as Record<string, string> | undefined) ?? {},
  ).map(([key, value]) => ({ key, operator: "=", values: [value] }));
  for (const e of asList(selector["matchExpressions"])) {
    const op = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" }[String(e["operator"])] as
      Requirement["operator"] | undefined;
    if (op !== undefined)
      reqs.push({ key: String(e["key"]), operator: op, values: (e["values"] as string[] | undefined) ?? [] });
  }
  return reqs;
}

function workloadCauses(spec: Obj | undefined, kind: string): StatusCause[] {
  if (spec === undefined) return [cause("FieldValueRequired", "spec", "Required value")];
  const causes: StatusCause[] = [];
  const template = asObj(spec["template"]);
  const selector = asObj(spec["selector"]);
  if (kind !== "Job" && kind !== "CronJob") {
    if (selector === undefined) causes.push(cause("FieldValueRequired", "spec.selector", "Required value"));
    else {
      const reqs = selectorRequirements(selector);
      if (reqs.length === 0)
        causes.push(
          cause(
            "FieldValueInvalid",
            "spec.selector",
            "Invalid value: empty selector is invalid for deployment",
          ),
        );
      const labels = asObj(asObj(template?.["metadata"])?.["labels"]) as Record<string, string> | undefined;
      if (reqs.length > 0 && !labelsMatch(labels, reqs)) {
        causes.push(
          cause(
            "FieldValueInvalid",
            "spec.template.metadata.labels",
            "Invalid value: `selector` does not match template `labels`",
          ),
        );
      }
    }
  }
  const replicas = spec["replicas"];
  if (typeof replicas === "number" && replicas < 0)
    causes.push(
      cause(
        "FieldValueInvalid",
        "spec.replicas",
        `Invalid value: ${replicas}: must be greater than or equal to 0`,
      ),
    );
  if (template === undefined) causes.push(cause("FieldValueRequired", "spec.template", "Required value"));
  else {
    const podSpec = asObj(template["spec"]);
    causes.push(...podSpecCauses(podSpec, "spec.template.spec"));
    if (kind === "Job") {
      const restart = podSpec?.["restartPolicy"];
      if (restart !== "OnFailure" && restart !== "Never") {
        causes.push(
          cause(
            "FieldValueNotSupported",
            "spec.template.spec.restartPolicy",
            `Unsupported value: "${text(restart, "Always")}": supported values: "OnFailure", "Never"`,
          ),
        );
      }
    }
  }
  return causes;
}

function crdCauses(object: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = asObj(object["spec"]);
  if (spec === undefined) return [cause("FieldValueRequired", "spec", "Required value")];
  const group = typeof spec["group"] === "string" ? spec["group"] : "";
  const names = asObj(spec["names"]) ?? {};
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
    const schema = asObj(asObj(v["schema"])?.["openAPIV3Schema"]);
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

/** Kind-specific validation, as the real server's validation of each kind (the checks that matter). */
export function validateKind(def: ResourceDef, object: KubeObject): StatusCause[] {
  const spec = asObj(object["spec"]);
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
      const jobSpec = asObj(asObj(spec?.["jobTemplate"])?.["spec"]);
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
      const storage = asObj(asObj(spec?.["resources"])?.["requests"])?.["storage"];
      if (storage === undefined)
        causes.push(cause("FieldValueRequired", "spec.resources[storage]", "Required value"));
      return causes;
    }
    case "/configmaps":
    case "/secrets": {
      const causes: StatusCause[] = [];
      for (const field of ["data", "binaryData", "stringData"]) {
        for (const key of Object.keys(asObj(object[field]) ?? {})) {
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
