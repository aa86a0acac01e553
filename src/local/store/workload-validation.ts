import { cause, type StatusCause } from "../errors.js";
import { asList, maybeObj, type Obj } from "../plain-object.js";
import { text } from "../text.js";
import { nameProblems } from "./names.js";
import { labelsMatch, type Requirement } from "./selectors.js";

/** The pod spec checks (containers, names, images, ports) at `path`. */
export function podSpecCauses(spec: Obj | undefined, path: string): StatusCause[] {
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

/** A workload's spec: selector matching its template, replicas, the pod template (Jobs: restartPolicy). */
export function workloadCauses(spec: Obj | undefined, kind: string): StatusCause[] {
  if (spec === undefined) return [cause("FieldValueRequired", "spec", "Required value")];
  const causes: StatusCause[] = [];
  const template = maybeObj(spec["template"]);
  const selector = maybeObj(spec["selector"]);
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
      const labels = maybeObj(maybeObj(template?.["metadata"])?.["labels"]) as
        Record<string, string> | undefined;
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
    const podSpec = maybeObj(template["spec"]);
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
