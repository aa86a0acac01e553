import { parseQuantity } from "../../engine/quantity.js";
import type { CheckContext } from "./context.js";
import { problemAt } from "./problem.js";

/**
 * Volume groups' `spec.capacity`: every key is a PVC of the group's `spec.pvcs`, every value a
 * positive Kubernetes quantity (`20Gi`) — read by the same parser the volume driver sizes
 * claims with, so what validates is what the driver can act on.
 */
export function checkVolumeGroups(ctx: CheckContext): void {
  for (const group of ctx.state.list("VolumeGroup")) {
    const { spec, metadata } = group.manifest;
    const members = new Set(spec.pvcs);
    for (const [pvc, size] of Object.entries(spec.capacity ?? {})) {
      const path = ["spec", "capacity", pvc];
      if (!members.has(pvc)) {
        ctx.report(
          problemAt(
            group,
            path,
            "capacity",
            `PVC ${pvc} is not in spec.pvcs of VolumeGroup ${metadata.name} (${spec.pvcs.join(", ")})`,
          ),
        );
      }
      const parsed = parseQuantity(size);
      if (!parsed.ok || parsed.value <= 0) {
        ctx.report(
          problemAt(
            group,
            path,
            "invalid-quantity",
            `"${size}" is not a storage size: expected a positive Kubernetes quantity such as 20Gi or 500M`,
          ),
        );
      }
    }
  }
}
