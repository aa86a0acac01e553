import type { KubeObject } from "../api.js";
import { invalid } from "../errors.js";
import type { ResourceRegistry } from "../resources/registry.js";
import { crdResources } from "./crd.js";

/** Refuses a CRD whose plural names a built-in resource of the same group and version. */
export function checkCrdNames(registry: ResourceRegistry, crd: KubeObject): void {
  for (const def of crdResources(crd)) {
    const existing = registry.find(def.group, def.version, def.resource);
    if (existing !== undefined && existing.crd === undefined) {
      throw invalid({
        group: "apiextensions.k8s.io",
        kind: "CustomResourceDefinition",
        name: crd.metadata.name ?? "",
        causes: [
          {
            reason: "FieldValueInvalid",
            field: "spec.names.plural",
            message: `Invalid value: "${def.resource}": is a built-in resource`,
          },
        ],
      });
    }
  }
}
