import type { KubeObject } from "../api.js";
import { asObj, type Obj } from "../plain-object.js";
import { ApiError, cause, type StatusCause } from "../errors.js";
import type { ResourceDef } from "../resources/types.js";
import { parseQuantity } from "./quantity.js";

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const STATEFULSET_MUTABLE = [
  "replicas",
  "ordinals",
  "template",
  "updateStrategy",
  "persistentVolumeClaimRetentionPolicy",
  "minReadySeconds",
];

/**
 * Admission of an update: what the real server carries over from the old object (allocated
 * cluster IPs) and which fields it refuses to change. Mutates `next` for the carry-overs;
 * returns causes for 422s, throws 403 for a resize the storage class does not allow.
 */
export function admitUpdate(
  def: ResourceDef,
  next: KubeObject,
  previous: KubeObject,
  storageClass: (namespace: undefined, name: string) => KubeObject | undefined,
): StatusCause[] {
  const spec = asObj(next["spec"]);
  const old = asObj(previous["spec"]);
  const causes: StatusCause[] = [];
  const immutable = (field: string, a: unknown, b: unknown): void => {
    if (!same(a, b))
      causes.push(
        cause("FieldValueInvalid", field, `Invalid value: ${JSON.stringify(a)}: field is immutable`),
      );
  };
  switch (`${def.group}/${def.resource}`) {
    case "apps/deployments":
    case "apps/replicasets":
    case "apps/daemonsets":
      immutable("spec.selector", spec["selector"], old["selector"]);
      break;
    case "apps/statefulsets": {
      immutable("spec.selector", spec["selector"], old["selector"]);
      const rest = (o: Obj): Obj =>
        Object.fromEntries(
          Object.entries(o).filter(([k]) => !STATEFULSET_MUTABLE.includes(k) && k !== "selector"),
        );
      if (!same(rest(spec), rest(old))) {
        causes.push(
          cause(
            "FieldValueForbidden",
            "spec",
            "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          ),
        );
      }
      break;
    }
    case "batch/jobs":
      immutable("spec.selector", spec["selector"], old["selector"]);
      break;
    case "/services":
      for (const field of ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"]) {
        if (spec[field] === undefined || spec[field] === "") spec[field] = old[field];
      }
      if (old["clusterIP"] !== undefined && spec["clusterIP"] !== old["clusterIP"])
        immutable("spec.clusterIP", spec["clusterIP"], old["clusterIP"]);
      break;
    case "/configmaps":
    case "/secrets":
      if (previous["immutable"] === true) {
        if (!same(next["data"], previous["data"]) || !same(next["binaryData"], previous["binaryData"])) {
          causes.push(
            cause("FieldValueForbidden", "data", "Forbidden: field is immutable when `immutable` is set"),
          );
        }
        if (next["immutable"] !== true)
          causes.push(
            cause(
              "FieldValueForbidden",
              "immutable",
              "Forbidden: field is immutable when `immutable` is set",
            ),
          );
      }
      break;
    case "/persistentvolumeclaims":
      causes.push(...pvcUpdate(spec, old, previous, storageClass));
      break;
    case "storage.k8s.io/storageclasses":
      for (const field of ["provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"]) {
        if (!same(next[field], previous[field]))
          causes.push(cause("FieldValueForbidden", field, `Forbidden: updates to ${field} are forbidden.`));
      }
      break;
    case "apiextensions.k8s.io/customresourcedefinitions":
      immutable("spec.scope", spec["scope"], old["scope"]);
      immutable("spec.group", spec["group"], old["group"]);
      break;
    default:
      break;
  }
  return causes;
}

function pvcUpdate(
  spec: Obj,
  old: Obj,
  previous: KubeObject,
  storageClass: (namespace: undefined, name: string) => KubeObject | undefined,
): StatusCause[] {
  // The binder may fill volumeName and the class once; nothing else but the size changes.
  if ((old["volumeName"] === undefined || old["volumeName"] === "") && spec["volumeName"] !== undefined)
    old = { ...old, volumeName: spec["volumeName"] };
  if (old["storageClassName"] === undefined && spec["storageClassName"] !== undefined)
    old = { ...old, storageClassName: spec["storageClassName"] };
  const newSize = asObj(asObj(spec["resources"])["requests"])["storage"];
  const oldSize = asObj(asObj(old["resources"])["requests"])["storage"];
  const strip = (o: Obj): Obj => {
    const resources = asObj(o["resources"]);
    const requests = { ...asObj(resources["requests"]) };
    delete requests["storage"];
    const { volumeAttributesClassName: _v, ...rest } = o;
    return { ...rest, resources: { ...resources, requests } };
  };
  if (!same(strip(spec), strip(old))) {
    return [
      cause(
        "FieldValueForbidden",
        "spec",
        "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
      ),
    ];
  }
  const before = parseQuantity(oldSize);
  const after = parseQuantity(newSize);
  if (before === undefined || after === undefined || after === before) return [];
  const capacity = parseQuantity(asObj(asObj(previous["status"])["capacity"])["storage"]) ?? before;
  if (after < capacity) {
    return [
      cause(
        "FieldValueForbidden",
        "spec.resources.requests.storage",
        "Forbidden: field can not be less than status.capacity",
      ),
    ];
  }
  if (after > before) {
    const className = typeof spec["storageClassName"] === "string" ? spec["storageClassName"] : "";
    const sc = className === "" ? undefined : storageClass(undefined, className);
    const bound = asObj(previous["status"])["phase"] === "Bound";
    if (!bound || sc?.["allowVolumeExpansion"] !== true) {
      throw new ApiError(
        403,
        "Forbidden",
        `persistentvolumeclaims "${previous.metadata.name ?? ""}" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`,
        { name: previous.metadata.name ?? "", kind: "persistentvolumeclaims" },
      );
    }
  }
  return [];
}
