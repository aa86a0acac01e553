import { beforeAll, describe, expect, it } from "vitest";
import { createManifestValidator, loadDesiredState, memoryTree } from "../../../src/manifests/index.js";
import type { ManifestValidator, Problem, ProblemCode } from "../../../src/manifests/index.js";
import { exampleFiles } from "../../helpers/example-repo.js";

const H = "apiVersion: ferry.dev/v1alpha1\n";
const BAD = "environments/prod/bad.yaml";

let base: Record<string, string>;
let validator: ManifestValidator;
beforeAll(async () => {
  base = await exampleFiles();
  validator = createManifestValidator();
});

async function load(extra: Record<string, string | Uint8Array>, replace: Record<string, string> = {}) {
  return loadDesiredState(memoryTree({ ...base, ...replace, ...extra }), { validator });
}

interface Expected {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly code: ProblemCode;
  readonly message?: RegExp;
}

const has = (problems: readonly Problem[], e: Expected): boolean =>
  problems.some(
    (p) =>
      p.file === e.file &&
      p.line === e.line &&
      p.path === e.path &&
      p.code === e.code &&
      p.severity === "error" &&
      (e.message === undefined || e.message.test(p.message)),
  );

describe("the example repo", () => {
  it("is valid, with every object loaded", async () => {
    const result = await load({});
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.state.list("Cluster").map((c) => c.manifest.metadata.name)).toEqual([
      "dev-1",
      "east-1",
      "west-1",
      "west-2",
    ]);
    expect(result.state.get("VolumeGroup", "pg", "shop")?.manifest.spec.pvcs).toEqual([
      "data-pg-0",
      "wal-pg-0",
    ]);
    expect(result.state.get("SchedulePolicy", "testpolicy")?.location).toEqual({
      file: "policies/testpolicy.yaml",
      line: 2,
      column: 1,
    });
  });
});

const migration = (spec: string, name = "bad-migration"): string =>
  `${H}kind: Migration\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const goodMigrationSpec = [
  "  fleet: prod",
  "  source: {cluster: east-1}",
  "  targets: [{cluster: west-1}]",
  "  namespaces: [shop]",
  "  repository: default",
].join("\n");
const replication = (spec: string): string =>
  `${H}kind: VolumeReplication\nmetadata:\n  name: bad-rep\n  namespace: shop\nspec:\n${spec}`;

const REPO = "clusters/bad-repo.yaml";
const repository = (extra: string): string =>
  `${H}kind: ReplicationRepository\nmetadata:\n  name: scheduled\nspec:\n  filesystem: {path: /tmp/r}\n${extra}`;

// Each case: the files added, and one problem that must be among those reported (file, line, path, code).
const cases: [string, Record<string, string | Uint8Array>, Expected][] = [
  [
    "YAML syntax error",
    { [BAD]: `${H}kind: Fleet\nmetadata:\n\tname: x\nspec: {}\n` },
    { file: BAD, line: 4, path: "", code: "yaml-syntax", message: /Tabs/ },
  ],
  [
    "duplicate key",
    { [BAD]: `${H}kind: Fleet\nmetadata:\n  name: x\n  name: y\nspec: {clusters: []}\n` },
    { file: BAD, line: 5, path: "", code: "duplicate-key" },
  ],
  [
    "alias bomb",
    {
      [BAD]:
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    },
    { file: BAD, line: 1, path: "", code: "alias-limit" },
  ],
  [
    "file over 1 MiB",
    { [BAD]: `# ${"x".repeat(1024 * 1024)}\n` },
    { file: BAD, line: 1, path: "", code: "file-too-large" },
  ],
  [
    "binary file",
    { [BAD]: new Uint8Array([0x6b, 0x3a, 0x00, 0x01, 0x02]) },
    { file: BAD, line: 1, path: "", code: "not-utf8" },
  ],
  [
    "non-UTF-8 file",
    { [BAD]: new Uint8Array([0x6b, 0x3a, 0x20, 0xff, 0xfe, 0x0a]) },
    { file: BAD, line: 1, path: "", code: "not-utf8" },
  ],
  [
    "absurd nesting",
    { [BAD]: `${H}kind: Fleet\nspec: ${"[".repeat(100_000)}\n` },
    { file: BAD, line: 3, path: "", code: "yaml-syntax", message: /nested more than 64/ },
  ],
  [
    "unknown kind",
    { [BAD]: `${H}kind: Deployment\nmetadata: {name: x}\n` },
    { file: BAD, line: 2, path: "kind", code: "unknown-kind" },
  ],
  [
    "unknown apiVersion",
    {
      [BAD]:
        "apiVersion: stork.libopenstorage.org/v1alpha1\nkind: SchedulePolicy\nmetadata: {name: x}\npolicy: {interval: {intervalMinutes: 5}}\n",
    },
    { file: BAD, line: 1, path: "apiVersion", code: "unknown-api-version" },
  ],
  [
    "a document that is not a mapping",
    { [BAD]: "- just\n- a list\n" },
    { file: BAD, line: 1, path: "", code: "not-an-object" },
  ],
  [
    "wrong type",
    {
      "policies/bad.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: bad}\npolicy:\n  interval:\n    intervalMinutes: sixty\n`,
    },
    {
      file: "policies/bad.yaml",
      line: 6,
      path: "policy.interval.intervalMinutes",
      code: "invalid-type",
      message: /integer/,
    },
  ],
  [
    "unknown field",
    { [BAD]: migration(`${goodMigrationSpec}\n  startApplication: true\n`) },
    {
      file: BAD,
      line: 11,
      path: "spec.startApplication",
      code: "unknown-field",
      message: /did you mean "startApplications"/,
    },
  ],
  [
    "a field in the status (not allowed in desired state)",
    { [BAD]: `${migration(`${goodMigrationSpec}\n`)}status: {phase: Success}\n` },
    { file: BAD, line: 11, path: "status", code: "unknown-field" },
  ],
  [
    "missing required field",
    {
      [BAD]: migration(
        "  fleet: prod\n  source: {cluster: east-1}\n  targets: [{cluster: west-1}]\n  namespaces: [shop]\n",
      ),
    },
    { file: BAD, line: 5, path: "spec.repository", code: "missing-field" },
  ],
  [
    "path-like name",
    { [BAD]: `${H}kind: VolumeGroup\nmetadata:\n  name: ../x\n  namespace: shop\nspec: {pvcs: [a]}\n` },
    { file: BAD, line: 4, path: "metadata.name", code: "invalid-name", message: /DNS-1123/ },
  ],
  [
    "upper-case name",
    { "clusters/bad.yaml": `${H}kind: Fleet\nmetadata: {name: Prod}\nspec: {clusters: []}\n` },
    { file: "clusters/bad.yaml", line: 3, path: "metadata.name", code: "invalid-name" },
  ],
  [
    "path-like reference",
    { [BAD]: migration(goodMigrationSpec.replace("repository: default", "repository: ../../etc") + "\n") },
    { file: BAD, line: 10, path: "spec.repository", code: "invalid-name" },
  ],
  [
    "invalid remediation",
    { [BAD]: migration(`${goodMigrationSpec}\n  prechecks: {remediation: later}\n`) },
    {
      file: BAD,
      line: 11,
      path: "spec.prechecks.remediation",
      code: "invalid-value",
      message: /auto, pull-request, manual, ignore/,
    },
  ],
  [
    "cluster with two connections",
    {
      "clusters/bad.yaml": `${H}kind: Cluster\nmetadata: {name: x-1}\nspec:\n  fleet: prod\n  connection:\n    inCluster: true\n    local: {name: x-1}\n`,
    },
    {
      file: "clusters/bad.yaml",
      line: 6,
      path: "spec.connection",
      code: "one-of",
      message: /inCluster and local/,
    },
  ],
  [
    "JSON patch operation without a value",
    {
      [BAD]: migration(
        `${goodMigrationSpec}\n  resourceModifiers:\n    - match: {kind: Deployment}\n      patch:\n        - {op: replace, path: /spec/replicas}\n`,
      ),
    },
    { file: BAD, line: 14, path: "spec.resourceModifiers[0].patch[0].value", code: "missing-field" },
  ],
  [
    "unresolved fleet of a cluster",
    {
      "clusters/bad.yaml": `${H}kind: Cluster\nmetadata: {name: x-1}\nspec:\n  fleet: staging\n  connection: {inCluster: true}\n`,
    },
    {
      file: "clusters/bad.yaml",
      line: 5,
      path: "spec.fleet",
      code: "unresolved-reference",
      message: /no Fleet named "staging"/,
    },
  ],
  [
    "fleet listing an unknown cluster",
    {
      "clusters/bad.yaml": `${H}kind: Fleet\nmetadata: {name: staging}\nspec:\n  clusters: [dev-1, east-9]\n`,
    },
    { file: "clusters/bad.yaml", line: 5, path: "spec.clusters[1]", code: "unresolved-reference" },
  ],
  [
    "unresolved migration fleet",
    { [BAD]: migration(goodMigrationSpec.replace("fleet: prod", "fleet: prd") + "\n") },
    { file: BAD, line: 6, path: "spec.fleet", code: "unresolved-reference", message: /known: dev, prod/ },
  ],
  [
    "unresolved migration source",
    { [BAD]: migration(goodMigrationSpec.replace("cluster: east-1", "cluster: east-9") + "\n") },
    { file: BAD, line: 7, path: "spec.source.cluster", code: "unresolved-reference" },
  ],
  [
    "unresolved migration target",
    {
      [BAD]: migration(
        goodMigrationSpec.replace(
          "targets: [{cluster: west-1}]",
          "targets: [{cluster: west-1}, {cluster: west-9}]",
        ) + "\n",
      ),
    },
    { file: BAD, line: 8, path: "spec.targets[1].cluster", code: "unresolved-reference" },
  ],
  [
    "unresolved repository",
    { [BAD]: migration(goodMigrationSpec.replace("repository: default", "repository: s3") + "\n") },
    { file: BAD, line: 10, path: "spec.repository", code: "unresolved-reference" },
  ],
  [
    "target outside the migration's fleet",
    {
      [BAD]: migration(
        goodMigrationSpec.replace(
          "targets: [{cluster: west-1}]",
          "targets:\n    - cluster: west-1\n    - cluster: dev-1",
        ) + "\n",
      ),
    },
    {
      file: BAD,
      line: 10,
      path: "spec.targets[1].cluster",
      code: "not-in-fleet",
      message: /not a member of fleet prod/,
    },
  ],
  [
    "target equal to the source without backupToSelf",
    {
      [BAD]: migration(
        goodMigrationSpec.replace("targets: [{cluster: west-1}]", "targets: [{cluster: east-1}]") + "\n",
      ),
    },
    {
      file: BAD,
      line: 8,
      path: "spec.targets[0].cluster",
      code: "target-is-source",
      message: /backupToSelf: true/,
    },
  ],
  [
    "schedule template targeting its source",
    {
      [BAD]: `${H}kind: MigrationSchedule\nmetadata: {name: s}\nspec:\n  schedulePolicyName: hourly\n  template:\n    spec:\n      fleet: prod\n      source: {cluster: east-1}\n      targets: [{cluster: east-1}]\n      namespaces: [shop]\n      repository: default\n`,
    },
    { file: BAD, line: 10, path: "spec.template.spec.targets[0].cluster", code: "target-is-source" },
  ],
  [
    "unresolved schedule policy",
    {
      [BAD]: `${H}kind: MigrationSchedule\nmetadata: {name: s}\nspec:\n  schedulePolicyName: weekly\n  template:\n    spec:\n${goodMigrationSpec.replace(/^/gm, "    ")}\n`,
    },
    { file: BAD, line: 5, path: "spec.schedulePolicyName", code: "unresolved-reference" },
  ],
  [
    "duplicate name across files",
    { [BAD]: `${H}kind: VolumeGroup\nmetadata:\n  name: pg\n  namespace: shop\nspec: {pvcs: [data-pg-0]}\n` },
    {
      file: BAD,
      line: 4,
      path: "metadata.name",
      code: "duplicate-name",
      message: /environments\/prod\/shop-volumes.yaml:3:1/,
    },
  ],
  [
    "duplicate name, reported at the first place too",
    { [BAD]: `${H}kind: VolumeGroup\nmetadata:\n  name: pg\n  namespace: shop\nspec: {pvcs: [data-pg-0]}\n` },
    {
      file: "environments/prod/shop-volumes.yaml",
      line: 6,
      path: "metadata.name",
      code: "duplicate-name",
      message: /bad.yaml:1:1/,
    },
  ],
  [
    "volume group over 16 PVCs",
    {
      [BAD]: `${H}kind: VolumeGroup\nmetadata:\n  name: big\n  namespace: shop\nspec:\n  pvcs: [${Array.from({ length: 17 }, (_, i) => `p-${i}`).join(", ")}]\n`,
    },
    {
      file: BAD,
      line: 7,
      path: "spec.pvcs",
      code: "too-many-pvcs",
      message: /at most 16 PVCs; this one lists 17/,
    },
  ],
  [
    "volume group repeating a PVC",
    { [BAD]: `${H}kind: VolumeGroup\nmetadata:\n  name: rep\n  namespace: shop\nspec:\n  pvcs: [a, a]\n` },
    { file: BAD, line: 7, path: "spec.pvcs", code: "invalid-value" },
  ],
  [
    "volume group capacity for a PVC outside the group",
    {
      [BAD]: `${H}kind: VolumeGroup\nmetadata:\n  name: cap\n  namespace: shop\nspec:\n  pvcs: [a, b]\n  capacity:\n    a: 10Gi\n    c: 20Gi\n`,
    },
    {
      file: BAD,
      line: 10,
      path: "spec.capacity.c",
      code: "capacity",
      message: /PVC c is not in spec.pvcs of VolumeGroup cap \(a, b\)/,
    },
  ],
  [
    "volume group capacity that is not a quantity",
    {
      [BAD]: `${H}kind: VolumeGroup\nmetadata:\n  name: cap\n  namespace: shop\nspec:\n  pvcs: [a, b]\n  capacity:\n    a: 10Gi\n    b: ten gigs\n`,
    },
    {
      file: BAD,
      line: 10,
      path: "spec.capacity.b",
      code: "invalid-quantity",
      message: /"ten gigs" is not a storage size/,
    },
  ],
  [
    "volume group capacity of zero",
    {
      [BAD]: `${H}kind: VolumeGroup\nmetadata:\n  name: cap\n  namespace: shop\nspec:\n  pvcs: [a]\n  capacity: {a: "0"}\n`,
    },
    { file: BAD, line: 8, path: "spec.capacity.a", code: "invalid-quantity" },
  ],
  [
    "volume group capacity as a number",
    {
      [BAD]: `${H}kind: VolumeGroup\nmetadata:\n  name: cap\n  namespace: shop\nspec:\n  pvcs: [a]\n  capacity: {a: 10}\n`,
    },
    { file: BAD, line: 8, path: "spec.capacity.a", code: "invalid-type" },
  ],
  [
    "pvcMap missing a PVC of the source group",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0}\n  schedule: '*/5 * * * *'\n",
      ),
    },
    {
      file: BAD,
      line: 9,
      path: "spec.pvcMap",
      code: "pvc-map",
      message: /wal-pg-0 of source VolumeGroup pg is not mapped/,
    },
  ],
  [
    "pvcMap onto a PVC outside the target group",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap:\n    data-pg-0: data-pg-0\n    wal-pg-0: wal-pg-9\n  schedule: '*/5 * * * *'\n",
      ),
    },
    {
      file: BAD,
      line: 11,
      path: 'spec.pvcMap["wal-pg-0"]',
      code: "pvc-map",
      message: /wal-pg-9 is not in target VolumeGroup/,
    },
  ],
  [
    "pvcMap from a PVC outside the source group",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap:\n    data-pg-0: data-pg-0\n    wal-pg-0: wal-pg-0\n    logs-0: wal-pg-0\n  schedule: '*/5 * * * *'\n",
      ),
    },
    {
      file: BAD,
      line: 12,
      path: 'spec.pvcMap["logs-0"]',
      code: "pvc-map",
      message: /logs-0 is not in source VolumeGroup/,
    },
  ],
  [
    "unresolved volume group",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: mysql}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {a: b}\n  schedule: '*/5 * * * *'\n",
      ),
    },
    {
      file: BAD,
      line: 7,
      path: "spec.source.volumeGroup",
      code: "unresolved-reference",
      message: /in namespace shop/,
    },
  ],
  [
    "replication onto its own group",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: east-1, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n  schedule: '*/5 * * * *'\n",
      ),
    },
    { file: BAD, line: 8, path: "spec.target", code: "target-is-source" },
  ],
  [
    "both schedule and schedulePolicyName",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n  schedule: '*/5 * * * *'\n  schedulePolicyName: hourly\n",
      ),
    },
    {
      file: BAD,
      line: 6,
      path: "spec",
      code: "one-of",
      message: /set only one of schedule, schedulePolicyName/,
    },
  ],
  [
    "neither schedule nor schedulePolicyName",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n",
      ),
    },
    {
      file: BAD,
      line: 6,
      path: "spec",
      code: "one-of",
      message: /exactly one of: schedule, schedulePolicyName/,
    },
  ],
  [
    "invalid cron",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n  schedule: '*/5 * * *'\n",
      ),
    },
    { file: BAD, line: 10, path: "spec.schedule", code: "invalid-cron", message: /five/ },
  ],
  [
    "invalid time zone of a replication",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n  schedule: '0 * * * *'\n  timezone: Mars/Olympus\n",
      ),
    },
    { file: BAD, line: 11, path: "spec.timezone", code: "invalid-timezone" },
  ],
  [
    "retention keepWithin in minutes (refused: m would read as months to restic)",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n  schedule: '0 * * * *'\n  retention:\n    keepLast: 2\n    keepWithin: 90m\n",
      ),
    },
    {
      file: BAD,
      line: 13,
      path: "spec.retention.keepWithin",
      code: "invalid-value",
      message: /"90m" is not a duration such as 7d, 36h/,
    },
  ],
  [
    "retention keepLast of 0",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n  schedule: '0 * * * *'\n  retention: {keepLast: 0}\n",
      ),
    },
    { file: BAD, line: 11, path: "spec.retention.keepLast", code: "invalid-value", message: />= 1/ },
  ],
  [
    "retention keepLast not a whole number",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n  schedule: '0 * * * *'\n  retention: {keepLast: 2.5}\n",
      ),
    },
    { file: BAD, line: 11, path: "spec.retention.keepLast", code: "invalid-type", message: /integer/ },
  ],
  [
    "retention with no rule (it would forget every snapshot)",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n  schedule: '0 * * * *'\n  retention: {}\n",
      ),
    },
    {
      file: BAD,
      line: 11,
      path: "spec.retention",
      code: "missing-field",
      message: /at least one of: keepLast, keepWithin/,
    },
  ],
  [
    "retention with a misspelt rule",
    {
      [BAD]: replication(
        "  source: {cluster: east-1, volumeGroup: pg}\n  target: {cluster: west-2, volumeGroup: pg}\n  pvcMap: {data-pg-0: data-pg-0, wal-pg-0: wal-pg-0}\n  schedule: '0 * * * *'\n  retention: {keepLatest: 3}\n",
      ),
    },
    {
      file: BAD,
      line: 11,
      path: "spec.retention.keepLatest",
      code: "unknown-field",
      message: /did you mean "keepLast"/,
    },
  ],
  [
    "repository maintenance with a bad cron, zone and maxUnused, on an unknown cluster",
    {
      [REPO]: repository(
        "  maintenance:\n    pruneSchedule: '0 3 * *'\n    timezone: Mars/Olympus\n    maxUnused: lots\n    cluster: east-9\n",
      ),
    },
    { file: REPO, line: 8, path: "spec.maintenance.pruneSchedule", code: "invalid-cron", message: /five/ },
  ],
  [
    "repository maintenance: the time zone",
    {
      [REPO]: repository(
        "  maintenance: {pruneSchedule: '0 3 * * 0', timezone: Mars/Olympus, cluster: east-1}\n",
      ),
    },
    { file: REPO, line: 7, path: "spec.maintenance.timezone", code: "invalid-timezone" },
  ],
  [
    "repository maintenance: maxUnused that is not a percentage",
    {
      [REPO]: repository(
        "  maintenance:\n    pruneSchedule: '0 3 * * 0'\n    maxUnused: 120%\n    cluster: east-1\n",
      ),
    },
    {
      file: REPO,
      line: 9,
      path: "spec.maintenance.maxUnused",
      code: "invalid-value",
      message: /"120%" is not a percentage from 0% to 100% or unlimited/,
    },
  ],
  [
    "repository maintenance on an unknown cluster",
    { [REPO]: repository("  maintenance:\n    pruneSchedule: '0 3 * * 0'\n    cluster: east-9\n") },
    {
      file: REPO,
      line: 9,
      path: "spec.maintenance.cluster",
      code: "unresolved-reference",
      message: /east-9/,
    },
  ],
  [
    "repository maintenance without a cluster to run on",
    { [REPO]: repository("  maintenance: {pruneSchedule: '0 3 * * 0'}\n") },
    { file: REPO, line: 7, path: "spec.maintenance.cluster", code: "missing-field" },
  ],
  [
    "policy time not in time.Kitchen format",
    {
      "policies/bad.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: bad}\npolicy:\n  daily:\n    time: "22:14"\n`,
    },
    { file: "policies/bad.yaml", line: 6, path: "policy.daily.time", code: "invalid-time" },
  ],
  [
    "policy weekday misspelt",
    {
      "policies/bad.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: bad}\npolicy:\n  weekly: {day: Thursdai, time: "10:13PM"}\n`,
    },
    { file: "policies/bad.yaml", line: 5, path: "policy.weekly.day", code: "invalid-weekday" },
  ],
  [
    "policy monthly date 32",
    {
      "policies/bad.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: bad}\npolicy:\n  monthly:\n    date: 32\n    time: "8:05PM"\n`,
    },
    { file: "policies/bad.yaml", line: 6, path: "policy.monthly.date", code: "invalid-value" },
  ],
  [
    "policy with an invalid cron and time zone",
    {
      "policies/bad.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: bad}\npolicy:\n  cron: "61 * * * *"\n  timezone: Europe/Nowhere\n`,
    },
    { file: "policies/bad.yaml", line: 6, path: "policy.timezone", code: "invalid-timezone" },
  ],
  [
    "policy with no section",
    { "policies/bad.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: bad}\npolicy: {timezone: UTC}\n` },
    { file: "policies/bad.yaml", line: 4, path: "policy", code: "missing-field", message: /at least one of/ },
  ],
  [
    "fleet listing a cluster of another fleet",
    {
      "clusters/bad.yaml": `${H}kind: Fleet\nmetadata: {name: staging}\nspec:\n  clusters:\n    - dev-1\n`,
    },
    {
      file: "clusters/bad.yaml",
      line: 6,
      path: "spec.clusters[0]",
      code: "not-in-fleet",
      message: /belongs to fleet dev/,
    },
  ],
];

describe("loadDesiredState reports each bad case with its file, line and field path", () => {
  it.each(cases)("%s", async (_name, extra, expected) => {
    const result = await load(extra);
    expect(result.valid).toBe(false);
    if (!has(result.problems, expected)) {
      throw new Error(
        `expected ${JSON.stringify(expected)} among:\n${result.problems.map((p) => JSON.stringify(p)).join("\n")}`,
      );
    }
  });
});
