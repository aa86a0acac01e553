import { describe, expect, it } from "vitest";
import { createManifestValidator, KINDS, readSchema, SCHEMA_FILES } from "../../../src/manifests/index.js";
import type {
  Cluster,
  Fleet,
  Kind,
  Manifest,
  Migration,
  MigrationSchedule,
  MigrationSpec,
  ReplicationRepository,
  SchedulePolicy,
  VolumeGroup,
  VolumeReplication,
} from "../../../src/manifests/index.js";

// Examples typed with the TypeScript types (object literals: the compiler refuses any field the
// types lack), between them setting every field of every schema. If a schema gains a field the
// types lack, the coverage test fails; if the types gain one the schema lacks, validation fails.
const apiVersion = "ferry.dev/v1alpha1" as const;
const meta = { name: "x", labels: { "ferry.dev/tier": "prod", app: "shop" }, annotations: { note: "n" } };

const clusters: Cluster[] = [
  {
    apiVersion,
    kind: "Cluster",
    metadata: meta,
    spec: { fleet: "prod", connection: { kubeconfig: { path: "~/.kube/config", context: "east-1" } } },
  },
  { apiVersion, kind: "Cluster", metadata: meta, spec: { fleet: "prod", connection: { inCluster: true } } },
  {
    apiVersion,
    kind: "Cluster",
    metadata: meta,
    spec: { fleet: "prod", connection: { kubeconfigEnv: "EAST_KUBECONFIG" } },
  },
  {
    apiVersion,
    kind: "Cluster",
    metadata: meta,
    spec: { fleet: "prod", connection: { local: { name: "east-1" } } },
  },
];
const fleets: Fleet[] = [
  { apiVersion, kind: "Fleet", metadata: meta, spec: { clusters: ["east-1", "west-1"] } },
  {
    apiVersion,
    kind: "Fleet",
    metadata: meta,
    spec: {
      selector: {
        matchLabels: { tier: "prod" },
        matchExpressions: [{ key: "region", operator: "In", values: ["us-east", "us-west"] }],
      },
    },
  },
];
const repositories: ReplicationRepository[] = [
  {
    apiVersion,
    kind: "ReplicationRepository",
    metadata: meta,
    spec: {
      s3: {
        bucket: "ferry",
        prefix: "prod/",
        region: "us-east-1",
        endpoint: "http://minio:9000",
        forcePathStyle: true,
        credentialsEnv: {
          accessKeyId: "AWS_ACCESS_KEY_ID",
          secretAccessKey: "AWS_SECRET_ACCESS_KEY",
          sessionToken: "AWS_SESSION_TOKEN",
        },
      },
      encryption: { keyEnv: "FERRY_REPOSITORY_KEY" },
    },
  },
  {
    apiVersion,
    kind: "ReplicationRepository",
    metadata: meta,
    spec: {
      filesystem: { path: "/var/lib/ferry/repo" },
      maintenance: {
        pruneSchedule: "0 3 * * 0",
        timezone: "Europe/Berlin",
        maxUnused: "10%",
        cluster: "east-1",
        namespace: "ferry-system",
      },
    },
  },
];
const policies: SchedulePolicy[] = [
  {
    apiVersion,
    kind: "SchedulePolicy",
    metadata: meta,
    policy: {
      interval: { intervalMinutes: 1 },
      daily: { time: "10:14PM" },
      weekly: { day: "Thursday", time: "10:13PM" },
      monthly: { date: 14, time: "8:05PM" },
      cron: "*/5 * * * *",
      timezone: "Europe/Berlin",
    },
  },
];
const migrationSpec: MigrationSpec = {
  fleet: "prod",
  source: { cluster: "east-1" },
  targets: [{ cluster: "west-1" }, { cluster: "east-1" }],
  backupToSelf: true,
  namespaces: ["shop"],
  resourceFilter: {
    labelSelector: {
      matchLabels: { app: "shop" },
      matchExpressions: [{ key: "tier", operator: "NotIn", values: ["test"] }],
    },
    includeKinds: ["Deployment"],
    excludeKinds: ["Event"],
  },
  includeResources: true,
  includeVolumes: true,
  startApplications: false,
  namespaceMapping: { shop: "shop-dr" },
  storageClassMapping: { "fast-ssd": "standard" },
  repository: "default",
  prechecks: { remediation: "pull-request" },
  resourceModifiers: [
    {
      match: { kind: "Service", name: "web", namespace: "shop" },
      patch: [
        { op: "replace", path: "/spec/type", value: "ClusterIP" },
        { op: "remove", path: "/spec/externalIPs" },
        { op: "copy", from: "/metadata/labels", path: "/metadata/annotations" },
      ],
    },
  ],
  overwrite: false,
};
const migrations: Migration[] = [
  { apiVersion, kind: "Migration", metadata: { ...meta, namespace: "shop" }, spec: migrationSpec },
];
const schedules: MigrationSchedule[] = [
  {
    apiVersion,
    kind: "MigrationSchedule",
    metadata: { ...meta, namespace: "shop" },
    spec: { schedulePolicyName: "testpolicy", suspend: false, template: { spec: migrationSpec } },
  },
];
const groups: VolumeGroup[] = [
  {
    apiVersion,
    kind: "VolumeGroup",
    metadata: { ...meta, namespace: "shop" },
    spec: { pvcs: ["data-pg-0", "wal-pg-0"], capacity: { "data-pg-0": "20Gi" } },
  },
];
const replications: VolumeReplication[] = [
  {
    apiVersion,
    kind: "VolumeReplication",
    metadata: { ...meta, namespace: "shop" },
    spec: {
      source: { cluster: "east-1", volumeGroup: "pg" },
      target: { cluster: "west-1", volumeGroup: "pg" },
      pvcMap: { "data-pg-0": "data-pg-0" },
      schedule: "*/5 * * * *",
      timezone: "UTC",
      repository: "default",
      suspend: false,
      retainSnapshotsOnDeletion: true,
      retention: { keepLast: 3, keepWithin: "72h" },
    },
  },
  {
    apiVersion,
    kind: "VolumeReplication",
    metadata: { ...meta, namespace: "shop" },
    spec: {
      source: { cluster: "east-1", volumeGroup: "pg" },
      target: { cluster: "west-1", volumeGroup: "pg" },
      pvcMap: { "data-pg-0": "data-pg-0" },
      schedulePolicyName: "hourly",
    },
  },
];
const examples: Manifest[] = [
  ...clusters,
  ...fleets,
  ...repositories,
  ...policies,
  ...migrations,
  ...schedules,
  ...groups,
  ...replications,
];

type Schema = Record<string, unknown>;
const files = new Map<string, Schema>();
const load = (file: string): Schema => {
  let schema = files.get(file);
  if (schema === undefined) {
    schema = readSchema(file);
    files.set(file, schema);
  }
  return schema;
};

/** Follows `$ref`s like `common.schema.json#/definitions/name` or `#/definitions/x`. */
function deref(schema: Schema, file: string): { schema: Schema; file: string } {
  const ref = schema["$ref"];
  if (typeof ref !== "string") return { schema, file };
  const [target = "", pointer = ""] = ref.split("#");
  const targetFile = target === "" ? file : target;
  let node: unknown = load(targetFile);
  for (const part of pointer.split("/").filter((p) => p !== "")) node = (node as Schema)[part];
  return deref(node as Schema, targetFile);
}

/** Every property path a schema declares: `spec.targets[].cluster`, maps as `*`. */
function schemaPaths(schema: Schema, file: string, path: string, out: Set<string>, depth = 0): void {
  const { schema: s, file: f } = deref(schema, file);
  if (depth > 12) return;
  const properties = s["properties"] as Record<string, Schema> | undefined;
  for (const [key, child] of Object.entries(properties ?? {})) {
    const p = path === "" ? key : `${path}.${key}`;
    out.add(p);
    schemaPaths(child, f, p, out, depth + 1);
  }
  if (typeof s["items"] === "object") schemaPaths(s["items"] as Schema, f, `${path}[]`, out, depth + 1);
  if (typeof s["additionalProperties"] === "object") {
    out.add(`${path}.*`);
    schemaPaths(s["additionalProperties"] as Schema, f, `${path}.*`, out, depth + 1);
  }
}

/** The property paths an example sets, read against its schema (maps as `*`). */
function examplePaths(value: unknown, schema: Schema, file: string, path: string, out: Set<string>): void {
  const { schema: s, file: f } = deref(schema, file);
  if (Array.isArray(value)) {
    for (const item of value)
      examplePaths(item, (s["items"] as Schema | undefined) ?? {}, f, `${path}[]`, out);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const properties = (s["properties"] as Record<string, Schema> | undefined) ?? {};
  for (const [key, child] of Object.entries(value)) {
    const declared = properties[key];
    const p = declared !== undefined ? (path === "" ? key : `${path}.${key}`) : `${path}.*`;
    out.add(p);
    examplePaths(child, declared ?? (s["additionalProperties"] as Schema | undefined) ?? {}, f, p, out);
  }
}

describe("TypeScript types and JSON Schemas agree", () => {
  const validator = createManifestValidator();

  it.each(examples.map((e, i) => [`${e.kind} #${i}`, e] as const))(
    "typed example %s passes its schema",
    (_name, example) => {
      expect(validator.validate(example)).toEqual([]);
    },
  );

  it.each(KINDS.map((k) => [k] as [Kind]))(
    "the typed examples of %s set every field its schema declares",
    (kind) => {
      const file = SCHEMA_FILES[kind];
      const declared = new Set<string>();
      schemaPaths(load(file), file, "", declared);
      const used = new Set<string>();
      for (const example of examples.filter((e) => e.kind === kind))
        examplePaths(example, load(file), file, "", used);
      expect([...declared].filter((p) => !used.has(p)).sort()).toEqual([]);
      expect([...used].filter((p) => !declared.has(p)).sort()).toEqual([]);
    },
  );

  it("every schema is strict about unknown fields", () => {
    for (const kind of KINDS) {
      const issues = validator.validate({ ...examples.find((e) => e.kind === kind), extra: 1 });
      expect(issues).toEqual([expect.objectContaining({ path: ["extra"], code: "unknown-field" })]);
    }
  });
});
