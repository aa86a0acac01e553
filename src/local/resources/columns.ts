import type { PrinterColumn } from "./types.js";

/** Reads a dotted path (`spec.replicas`) from a plain object. */
export function pathValue(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const part of path.split(".")) {
    if (part === "") continue;
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Age as kubectl prints it (the apimachinery HumanDuration rules). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24);
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Time since an RFC 3339 timestamp, as a printed age; `<unknown>` when absent. */
export function since(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== "string") return "<unknown>";
  const at = Date.parse(timestamp);
  return Number.isNaN(at) ? "<unknown>" : humanDuration(now.getTime() - at);
}

const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const str = (v: unknown, fallback = "<none>"): string =>
  typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : fallback;
const count = (v: unknown): number => (typeof v === "object" && v !== null ? Object.keys(v).length : 0);

export const col = (
  name: string,
  type: PrinterColumn["type"],
  value: PrinterColumn["value"],
  priority = 0,
): PrinterColumn => ({ name, type, value, ...(priority === 0 ? {} : { priority }) });

/** Reads a path; a string cell, `<none>` when empty. */
export const field = (name: string, path: string, fallback = "<none>"): PrinterColumn =>
  col(name, "string", (o) => str(pathValue(o, path), fallback));

export const intField = (name: string, path: string): PrinterColumn =>
  col(name, "integer", (o) => num(pathValue(o, path)));

export const ageColumn: PrinterColumn = col("Age", "string", (o, now) =>
  since(pathValue(o, "metadata.creationTimestamp"), now),
);

const containerStatuses = (o: Record<string, unknown>): Record<string, unknown>[] =>
  (pathValue(o, "status.containerStatuses") as Record<string, unknown>[] | undefined) ?? [];

/** Columns of the kinds whose real Table output users know by heart. */
export const builtinColumns: Record<string, PrinterColumn[]> = {
  pods: [
    col("Ready", "string", (o) => {
      const statuses = containerStatuses(o);
      const total = ((pathValue(o, "spec.containers") as unknown[] | undefined) ?? []).length;
      return `${statuses.filter((s) => s["ready"] === true).length}/${total}`;
    }),
    col("Status", "string", (o) => {
      if (pathValue(o, "metadata.deletionTimestamp") !== undefined) return "Terminating";
      for (const s of containerStatuses(o)) {
        const waiting = pathValue(s, "state.waiting.reason");
        if (typeof waiting === "string") return waiting;
        const terminated = pathValue(s, "state.terminated.reason");
        if (typeof terminated === "string" && pathValue(o, "status.phase") !== "Running") return terminated;
      }
      return str(pathValue(o, "status.reason"), str(pathValue(o, "status.phase"), "Pending"));
    }),
    col("Restarts", "integer", (o) => containerStatuses(o).reduce((n, s) => n + num(s["restartCount"]), 0)),
    ageColumn,
    field("IP", "status.podIP", "<none>"),
    field("Node", "spec.nodeName", "<none>"),
  ].map((c, i) => (i >= 4 ? { ...c, priority: 1 } : c)),
  deployments: [
    col(
      "Ready",
      "string",
      (o) => `${num(pathValue(o, "status.readyReplicas"))}/${num(pathValue(o, "spec.replicas"))}`,
    ),
    intField("Up-to-date", "status.updatedReplicas"),
    intField("Available", "status.availableReplicas"),
  ],
  replicasets: [
    intField("Desired", "spec.replicas"),
    intField("Current", "status.replicas"),
    intField("Ready", "status.readyReplicas"),
  ],
  statefulsets: [
    col(
      "Ready",
      "string",
      (o) => `${num(pathValue(o, "status.readyReplicas"))}/${num(pathValue(o, "spec.replicas"))}`,
    ),
  ],
  daemonsets: [
    intField("Desired", "status.desiredNumberScheduled"),
    intField("Current", "status.currentNumberScheduled"),
    intField("Ready", "status.numberReady"),
    intField("Up-to-date", "status.updatedNumberScheduled"),
    intField("Available", "status.numberAvailable"),
  ],
  jobs: [
    col("Status", "string", (o) => {
      const conditions = (pathValue(o, "status.conditions") as Record<string, unknown>[] | undefined) ?? [];
      const done = conditions.find(
        (c) => (c["type"] === "Complete" || c["type"] === "Failed") && c["status"] === "True",
      );
      if (done !== undefined) return done["type"] === "Complete" ? "Complete" : "Failed";
      return pathValue(o, "spec.suspend") === true ? "Suspended" : "Running";
    }),
    col(
      "Completions",
      "string",
      (o) => `${num(pathValue(o, "status.succeeded"))}/${num(pathValue(o, "spec.completions") ?? 1)}`,
    ),
    col("Duration", "string", (o, now) => {
      const start = pathValue(o, "status.startTime");
      if (typeof start !== "string") return "";
      const end = pathValue(o, "status.completionTime");
      return humanDuration((typeof end === "string" ? Date.parse(end) : now.getTime()) - Date.parse(start));
    }),
  ],
  cronjobs: [
    field("Schedule", "spec.schedule"),
    field("Timezone", "spec.timeZone"),
    col("Suspend", "boolean", (o) => pathValue(o, "spec.suspend") === true),
    col("Active", "integer", (o) => ((pathValue(o, "status.active") as unknown[] | undefined) ?? []).length),
    col("Last Schedule", "string", (o, now) => {
      const at = pathValue(o, "status.lastScheduleTime");
      return at === undefined ? "<none>" : since(at, now);
    }),
  ],
  services: [
    field("Type", "spec.type", "ClusterIP"),
    field("Cluster-IP", "spec.clusterIP"),
    col("External-IP", "string", (o) => {
      const ingress =
        (pathValue(o, "status.loadBalancer.ingress") as Record<string, unknown>[] | undefined) ?? [];
      const ips = ingress.map((i) => str(i["ip"] ?? i["hostname"], "")).filter((s) => s !== "");
      if (ips.length > 0) return ips.join(",");
      return pathValue(o, "spec.type") === "LoadBalancer" ? "<pending>" : "<none>";
    }),
    col("Port(s)", "string", (o) => {
      const ports = (pathValue(o, "spec.ports") as Record<string, unknown>[] | undefined) ?? [];
      if (ports.length === 0) return "<none>";
      return ports
        .map(
          (p) =>
            `${num(p["port"])}${p["nodePort"] === undefined ? "" : `:${num(p["nodePort"])}`}/${str(p["protocol"], "TCP")}`,
        )
        .join(",");
    }),
  ],
  persistentvolumeclaims: [
    field("Status", "status.phase", "Pending"),
    field("Volume", "spec.volumeName", ""),
    field("Capacity", "status.capacity.storage", ""),
    col("Access Modes", "string", (o) => accessModes(pathValue(o, "status.accessModes"))),
    field("StorageClass", "spec.storageClassName", "<unset>"),
    field("VolumeAttributesClass", "spec.volumeAttributesClassName", "<unset>"),
  ],
  persistentvolumes: [
    field("Capacity", "spec.capacity.storage", ""),
    col("Access Modes", "string", (o) => accessModes(pathValue(o, "spec.accessModes"))),
    field("Reclaim Policy", "spec.persistentVolumeReclaimPolicy", "Retain"),
    field("Status", "status.phase", "Pending"),
    col("Claim", "string", (o) => {
      const ref = pathValue(o, "spec.claimRef") as Record<string, unknown> | undefined;
      return ref === undefined ? "" : `${str(ref["namespace"], "")}/${str(ref["name"], "")}`;
    }),
    field("StorageClass", "spec.storageClassName", ""),
    field("VolumeAttributesClass", "spec.volumeAttributesClassName", "<unset>"),
    field("Reason", "status.reason", ""),
  ],
  namespaces: [field("Status", "status.phase", "Active")],
  configmaps: [col("Data", "integer", (o) => count(o["data"]) + count(o["binaryData"]))],
  secrets: [field("Type", "type", "Opaque"), col("Data", "integer", (o) => count(o["data"]))],
  serviceaccounts: [],
  nodes: [
    col("Status", "string", (o) => {
      const conditions = (pathValue(o, "status.conditions") as Record<string, unknown>[] | undefined) ?? [];
      const ready = conditions.find((c) => c["type"] === "Ready");
      return ready?.["status"] === "True" ? "Ready" : "NotReady";
    }),
    col("Roles", "string", (o) => {
      const labels = (pathValue(o, "metadata.labels") as Record<string, string> | undefined) ?? {};
      const roles = Object.keys(labels)
        .filter((k) => k.startsWith("node-role.kubernetes.io/"))
        .map((k) => k.slice("node-role.kubernetes.io/".length));
      return roles.length === 0 ? "<none>" : roles.join(",");
    }),
    { ...ageColumn },
    field("Version", "status.nodeInfo.kubeletVersion", ""),
  ],
  events: [
    col("Last Seen", "string", (o, now) =>
      since(o["lastTimestamp"] ?? o["eventTime"] ?? pathValue(o, "metadata.creationTimestamp"), now),
    ),
    field("Type", "type", ""),
    field("Reason", "reason", ""),
    col("Object", "string", (o) => {
      const ref = (o["involvedObject"] as Record<string, unknown> | undefined) ?? {};
      return `${str(ref["kind"], "").toLowerCase()}/${str(ref["name"], "")}`;
    }),
    field("Message", "message", ""),
  ],
  storageclasses: [
    field("Provisioner", "provisioner", ""),
    field("Reclaim Policy", "reclaimPolicy", "Delete"),
    field("Volume Binding Mode", "volumeBindingMode", "Immediate"),
    col("Allow Volume Expansion", "boolean", (o) => o["allowVolumeExpansion"] === true),
  ],
  volumesnapshots: [
    col("ReadyToUse", "boolean", (o) => pathValue(o, "status.readyToUse") === true),
    field("SourcePVC", "spec.source.persistentVolumeClaimName", ""),
    field("SourceSnapshotContent", "spec.source.volumeSnapshotContentName", ""),
    field("RestoreSize", "status.restoreSize", ""),
    field("SnapshotClass", "spec.volumeSnapshotClassName", ""),
    field("SnapshotContent", "status.boundVolumeSnapshotContentName", ""),
    col("CreationTime", "string", (o, now) => {
      const at = pathValue(o, "status.creationTime");
      return at === undefined ? "" : since(at, now);
    }),
  ],
  volumesnapshotcontents: [
    col("ReadyToUse", "boolean", (o) => pathValue(o, "status.readyToUse") === true),
    intField("RestoreSize", "status.restoreSize"),
    field("DeletionPolicy", "spec.deletionPolicy", ""),
    field("Driver", "spec.driver", ""),
    field("VolumeSnapshotClass", "spec.volumeSnapshotClassName", ""),
    field("VolumeSnapshot", "spec.volumeSnapshotRef.name", ""),
    field("VolumeSnapshotNamespace", "spec.volumeSnapshotRef.namespace", ""),
  ],
  volumesnapshotclasses: [field("Driver", "driver", ""), field("DeletionPolicy", "deletionPolicy", "")],
  endpoints: [
    col("Endpoints", "string", (o) => {
      const subsets = (o["subsets"] as Record<string, unknown>[] | undefined) ?? [];
      const out: string[] = [];
      for (const s of subsets) {
        const addresses = (s["addresses"] as Record<string, unknown>[] | undefined) ?? [];
        const ports = (s["ports"] as Record<string, unknown>[] | undefined) ?? [];
        for (const a of addresses)
          for (const p of ports.length > 0 ? ports : [{}])
            out.push(`${str(a["ip"], "")}${p["port"] === undefined ? "" : `:${num(p["port"])}`}`);
      }
      return out.length === 0 ? "<none>" : out.join(",");
    }),
  ],
  leases: [field("Holder", "spec.holderIdentity", "")],
  ingresses: [
    field("Class", "spec.ingressClassName", "<none>"),
    col("Hosts", "string", (o) => {
      const rules = (pathValue(o, "spec.rules") as Record<string, unknown>[] | undefined) ?? [];
      const hosts = rules.map((r) => str(r["host"], "")).filter((h) => h !== "");
      return hosts.length === 0 ? "*" : hosts.join(",");
    }),
    field("Address", "status.loadBalancer.ingress.0.ip", ""),
    col("Ports", "string", (o) => (pathValue(o, "spec.tls") === undefined ? "80" : "80, 443")),
  ],
  resourcequotas: [],
  customresourcedefinitions: [col("Created At", "date", (o) => pathValue(o, "metadata.creationTimestamp"))],
};

function accessModes(value: unknown): string {
  const short: Record<string, string> = {
    ReadWriteOnce: "RWO",
    ReadOnlyMany: "ROX",
    ReadWriteMany: "RWX",
    ReadWriteOncePod: "RWOP",
  };
  return Array.isArray(value) ? value.map((m) => short[String(m)] ?? String(m)).join(",") : "";
}
