import type { KubeObject } from "../api.js";
import { ApiError, notFound } from "../errors.js";
import type { ResourceDef } from "../resources/types.js";

/**
 * Refuses content for a namespace that does not exist (404) or is terminating (403), as the
 * NamespaceLifecycle admission plugin does. `ns` is the stored namespace, if any.
 */
export function checkNamespaceOpen(
  def: ResourceDef,
  target: { namespace: string; name: string },
  ns: KubeObject | undefined,
): void {
  const { namespace, name } = target;
  if (ns === undefined) throw notFound("", "namespaces", namespace);
  if (ns.metadata.deletionTimestamp !== undefined) {
    throw new ApiError(
      403,
      "Forbidden",
      `${def.resource}${def.group === "" ? "" : `.${def.group}`} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      {
        name,
        ...(def.group === "" ? {} : { group: def.group }),
        kind: def.resource,
        causes: [
          {
            reason: "NamespaceTerminating",
            message: `namespace ${namespace} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      },
    );
  }
}
