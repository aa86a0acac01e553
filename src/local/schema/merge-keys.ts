/**
 * The patch merge keys of the built-in kinds (`patchMergeKey` in the Go types): how
 * strategic-merge patches and server-side apply match list items. Keyed by the list's item
 * model; a few item models are only keyed in one field.
 */
const byItemModel: Record<string, string[]> = {
  V1Container: ["name"],
  V1EphemeralContainer: ["name"],
  V1Volume: ["name"],
  V1EnvVar: ["name"],
  // Only the port: applied configurations often omit the defaulted protocol.
  V1ContainerPort: ["containerPort"],
  V1ServicePort: ["port"],
  V1VolumeMount: ["mountPath"],
  V1VolumeDevice: ["devicePath"],
  V1OwnerReference: ["uid"],
  V1HostAlias: ["ip"],
  V1TopologySpreadConstraint: ["topologyKey", "whenUnsatisfiable"],
  V1PodResourceClaim: ["name"],
  V1ContainerResizePolicy: ["resourceName"],
  V1PodIP: ["ip"],
  V1HostIP: ["ip"],
  V1PodSchedulingGate: ["name"],
  V1NodeAddress: ["type"],
  V1Taint: ["key", "effect"],
};

/** Fields whose item model is generic but whose list is keyed there. */
const byField: Record<string, string[]> = {
  imagePullSecrets: ["name"],
  secrets: ["name"],
  conditions: ["type"],
};

/** Lists of strings merged as sets by strategic-merge patch. */
export const primitiveMergeLists = new Set(["finalizers"]);

/** The list-map keys of a list field, or undefined for an atomic list. */
export function listMapKeys(itemModel: string, field: string): string[] | undefined {
  if (itemModel.endsWith("Condition") && field === "conditions") return ["type"];
  return byItemModel[itemModel] ?? (field in byField && /^V\d/.test(itemModel) ? byField[field] : undefined);
}
