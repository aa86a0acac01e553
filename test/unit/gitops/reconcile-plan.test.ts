import { beforeAll, describe, expect, it } from "vitest";
import { loadDesiredState } from "../../../src/manifests/load.js";
import { memoryTree } from "../../../src/manifests/tree-memory.js";
import type { LoadResult } from "../../../src/manifests/types.js";
import { planReconcile } from "../../../src/gitops/reconcile/plan.js";
import { specHash } from "../../../src/gitops/reconcile/spec-hash.js";
import type { MigrationReport, Report } from "../../../src/gitops/reconcile/report.js";
import type { LiveFingerprints } from "../../../src/gitops/reconcile/drift.js";
import { VALIDATION_REPORT_PATH } from "../../../src/gitops/reconcile/types.js";
import { exampleFiles } from "../../helpers/example-repo.js";

const NOW = new Date("2026-03-02T10:00:00Z");
const MIGRATION = "status/migration/shop-to-west.yaml";
const SCHEDULE = "status/migrationschedule/shop-dr.yaml";

let example: Record<string, string>;
let valid: LoadResult;
let hashOf: (kind: "Migration" | "MigrationSchedule", name: string) => string;

beforeAll(async () => {
  example = await exampleFiles();
  valid = await loadDesiredState(memoryTree(example));
  expect(valid.valid).toBe(true);
  hashOf = (kind, name) => specHash(valid.state.get(kind, name)?.manifest.spec);
});

const migrationReport = (over: Partial<MigrationReport> = {}): MigrationReport => ({
  kind: "Migration",
  name: "shop-to-west",
  specHash: hashOf("Migration", "shop-to-west"),
  status: { phase: "Completed" },
  ...over,
});

/** Records for everything in the example repo, up to date and not due. */
function upToDate(): Map<string, Report> {
  const records = new Map<string, Report>();
  for (const { manifest } of valid.state.list("Migration")) {
    records.set(`status/migration/${manifest.metadata.name}.yaml`, {
      kind: "Migration",
      name: manifest.metadata.name,
      specHash: specHash(manifest.spec),
      status: { phase: "Completed" },
    });
  }
  for (const { manifest } of valid.state.list("MigrationSchedule")) {
    const recent = new Date(NOW.getTime() - 30_000).toISOString();
    records.set(`status/migrationschedule/${manifest.metadata.name}.yaml`, {
      kind: "MigrationSchedule",
      name: manifest.metadata.name,
      specHash: specHash(manifest.spec),
      state: {
        since: recent,
        history: {
          interval: [
            { name: `${manifest.metadata.name}-interval-x`, creationTimestamp: recent, status: "Successful" },
          ],
        },
      },
    });
  }
  return records;
}

/** The plan without its VolumeReplication actions (planned every pass; see their own tests below). */
const plan = (records: Map<string, Report>, live = new Map<string, LiveFingerprints>(), load = valid) => {
  const all = planReconcile({ commit: "c0ffee", load, records, live, now: NOW });
  return { ...all, actions: all.actions.filter((a) => a.type !== "replicate-volumes") };
};

describe("planReconcile: migrations", () => {
  it("plans nothing when every report is up to date and nothing is due", () => {
    expect(plan(upToDate()).actions).toEqual([]);
  });

  it.each([
    ["no report yet", undefined, "new"],
    ["a different spec hash", { specHash: "0000" }, "spec-changed"],
    ["a run that never finished", { status: { phase: "InProgress" } }, "interrupted"],
    ["a report without status", { status: undefined }, "interrupted"],
  ] as const)("starts a Migration with %s", (_what, over, reason) => {
    const records = upToDate();
    if (over === undefined) records.delete(MIGRATION);
    else records.set(MIGRATION, { ...migrationReport(), ...over } as MigrationReport);
    expect(plan(records).actions).toEqual([
      expect.objectContaining({
        type: "start-migration",
        path: MIGRATION,
        reason,
        specHash: hashOf("Migration", "shop-to-west"),
      }),
    ]);
  });

  it.each(["Completed", "Failed", "PrecheckFailed", "PartiallyFailed"])(
    "does not restart a finished run (%s) of the same spec",
    (phase) => {
      const records = upToDate();
      records.set(MIGRATION, migrationReport({ status: { phase } }));
      expect(plan(records).actions).toEqual([]);
    },
  );

  it("forgets the report of a removed Migration and names its remediation branch", () => {
    const records = upToDate();
    records.set("status/migration/gone.yaml", {
      kind: "Migration",
      name: "gone",
      remediation: { branch: "ferry/remediate/migration-gone" },
    });
    expect(plan(records).actions).toEqual([
      {
        type: "forget",
        path: "status/migration/gone.yaml",
        kind: "Migration",
        remediationBranch: "ferry/remediate/migration-gone",
      },
    ]);
  });
});

describe("planReconcile: validation", () => {
  let invalid: LoadResult;
  beforeAll(async () => {
    invalid = await loadDesiredState(
      memoryTree({
        ...example,
        "environments/prod/shop-migration.yaml": example["environments/prod/shop-migration.yaml"]!.replace(
          "targets: [{ cluster: west-1 }, { cluster: west-2 }]",
          "targets: [{ cluster: nowhere }]",
        ),
      }),
    );
  });

  it("reports an invalid commit and plans nothing else", () => {
    expect(invalid.valid).toBe(false);
    const { actions } = plan(new Map(), new Map(), invalid);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      type: "report-invalid",
      path: VALIDATION_REPORT_PATH,
      commit: "c0ffee",
    });
    const problems = actions[0]?.type === "report-invalid" ? actions[0].problems : [];
    expect(problems[0]).toMatchObject({ file: "environments/prod/shop-migration.yaml" });
    expect(problems.every((p) => p.severity === "error")).toBe(true);
  });

  it("does not report the same invalid commit twice", () => {
    const first = plan(new Map(), new Map(), invalid).actions[0];
    // As read back from the report: the same fields, another key order.
    const problems = (first?.type === "report-invalid" ? first.problems : []).map(
      ({ message, code, severity, path, column, line, file }) => ({
        message,
        code,
        severity,
        path,
        column,
        line,
        file,
      }),
    );
    const records = new Map<string, Report>([
      [VALIDATION_REPORT_PATH, { kind: "Validation", commit: "c0ffee", problems }],
    ]);
    expect(plan(records, new Map(), invalid).actions).toEqual([]);
  });

  it("clears the validation report once a commit is valid", () => {
    const records = upToDate();
    records.set(VALIDATION_REPORT_PATH, { kind: "Validation", commit: "old", problems: [] });
    expect(plan(records).actions).toEqual([{ type: "clear-invalid", path: VALIDATION_REPORT_PATH }]);
  });
});

describe("planReconcile: schedules", () => {
  it("starts honouring a new schedule now, with its interval run due at once", () => {
    const records = upToDate();
    records.delete(SCHEDULE);
    const [action] = plan(records).actions;
    expect(action).toMatchObject({
      type: "run-schedule",
      path: SCHEDULE,
      state: { since: NOW.toISOString(), history: {} },
      due: [expect.objectContaining({ type: "interval", name: "shop-dr-interval-2026-03-02-100000" })],
    });
  });

  it.each([
    [30_000, []],
    [61_000, ["interval"]],
  ])("a last interval run %i ms ago makes %j due (testpolicy: every minute)", (ago, due) => {
    const records = upToDate();
    const at = new Date(NOW.getTime() - ago).toISOString();
    records.set(SCHEDULE, {
      kind: "MigrationSchedule",
      name: "shop-dr",
      specHash: hashOf("MigrationSchedule", "shop-dr"),
      state: {
        since: at,
        history: { interval: [{ name: "shop-dr-interval-a", creationTimestamp: at, status: "Successful" }] },
      },
    });
    const actions = plan(records).actions.filter((a) => a.type === "run-schedule");
    expect(actions.flatMap((a) => (a.type === "run-schedule" ? a.due.map((d) => d.type) : []))).toEqual(due);
  });

  it("records a changed schedule spec without starting a run", () => {
    const records = upToDate();
    const current = records.get(SCHEDULE);
    if (current?.kind !== "MigrationSchedule") throw new Error("fixture");
    records.set(SCHEDULE, { ...current, specHash: "old" });
    expect(plan(records).actions).toEqual([
      expect.objectContaining({ type: "run-schedule", path: SCHEDULE, due: [] }),
    ]);
  });

  it("keeps the run reports in a schedule's history and forgets the others", () => {
    const records = upToDate();
    const kept = "status/schedulerun/shop-dr-interval-x.yaml";
    const dropped = "status/schedulerun/shop-dr-interval-old.yaml";
    for (const path of [kept, dropped]) {
      records.set(path, { kind: "ScheduleRun", name: path.split("/").at(-1)!.replace(".yaml", "") });
    }
    expect(plan(records).actions).toEqual([{ type: "forget", path: dropped, kind: "ScheduleRun" }]);
  });
});

describe("planReconcile: drift", () => {
  const inventory = {
    "west-1": [
      { apiVersion: "v1", kind: "ConfigMap", name: "settings", namespace: "shop", fingerprint: "aaa" },
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop", fingerprint: "bbb" },
    ],
    "west-2": [
      { apiVersion: "v1", kind: "ConfigMap", name: "settings", namespace: "shop", fingerprint: "aaa" },
    ],
  };
  const live = (west1: Record<string, string>, west2?: Record<string, string>) => {
    const clusters = new Map<string, ReadonlyMap<string, string>>([
      ["west-1", new Map(Object.entries(west1))],
    ]);
    if (west2 !== undefined) clusters.set("west-2", new Map(Object.entries(west2)));
    return new Map<string, LiveFingerprints>([[MIGRATION, clusters]]);
  };

  it.each([
    ["in sync", { "ConfigMap/shop/settings": "aaa", "Deployment/shop/web": "bbb" }, []],
    [
      "deleted and changed",
      { "Deployment/shop/web": "ccc" },
      [
        { cluster: "west-1", object: "ConfigMap/shop/settings", change: "deleted" },
        { cluster: "west-1", object: "Deployment/shop/web", change: "changed" },
      ],
    ],
  ])(
    "compares live objects with the inventory: %s (an unobserved cluster says nothing)",
    (_what, west1, drift) => {
      const records = upToDate();
      records.set(MIGRATION, migrationReport({ inventory }));
      const actions = plan(records, live(west1)).actions;
      expect(actions).toEqual(drift.length === 0 ? [] : [{ type: "report-drift", path: MIGRATION, drift }]);
    },
  );

  it("reports drift once, and again when it clears", () => {
    const drift = [{ cluster: "west-2", object: "ConfigMap/shop/settings", change: "deleted" as const }];
    const records = upToDate();
    records.set(MIGRATION, migrationReport({ inventory, drift }));
    const synced = { "ConfigMap/shop/settings": "aaa", "Deployment/shop/web": "bbb" };
    expect(plan(records, live(synced, {})).actions).toEqual([]);
    expect(plan(records, live(synced, { "ConfigMap/shop/settings": "aaa" })).actions).toEqual([
      { type: "report-drift", path: MIGRATION, drift: [] },
    ]);
  });
});

describe("planReconcile: volume replications", () => {
  const REPLICATION = "status/volumereplication/shop/pg-dr.yaml";
  const status = {
    phase: "Idle" as const,
    role: { source: "east-1", target: "west-1" },
    conditions: [],
  };

  it("hands every VolumeReplication to the driver on every pass, with its last status", () => {
    const records = upToDate();
    const first = planReconcile({ commit: "c0ffee", load: valid, records, live: new Map(), now: NOW });
    const replications = valid.state.list("VolumeReplication");
    expect(replications.length).toBeGreaterThan(0);
    const actions = first.actions.filter((a) => a.type === "replicate-volumes");
    expect(actions.map((a) => a.path).sort()).toEqual(
      replications
        .map(
          (r) => `status/volumereplication/${r.manifest.metadata.namespace}/${r.manifest.metadata.name}.yaml`,
        )
        .sort(),
    );
    const pg = actions.find((a) => a.path === REPLICATION);
    expect(pg?.type === "replicate-volumes" && pg.status).toBeUndefined();
    // The VolumeGroups of the replication's namespace, by name.
    expect(pg?.type === "replicate-volumes" ? [...pg.groups.keys()] : []).toContain("pg");

    const spec = valid.state.get("VolumeReplication", "pg-dr", "shop")?.manifest.spec;
    if (spec === undefined) throw new Error("fixture: pg-dr");
    records.set(REPLICATION, { kind: "VolumeReplication", name: "pg-dr", namespace: "shop", spec, status });
    const again = planReconcile({ commit: "c0ffee", load: valid, records, live: new Map(), now: NOW });
    const next = again.actions.find((a) => a.path === REPLICATION);
    expect(next).toMatchObject({ type: "replicate-volumes", status });
  });

  it("deletes a removed VolumeReplication with the spec its report kept", () => {
    const records = upToDate();
    const spec = {
      source: { cluster: "east-1", volumeGroup: "gone" },
      target: { cluster: "west-1", volumeGroup: "gone" },
      pvcMap: { a: "a" },
      schedule: "*/5 * * * *",
      retainSnapshotsOnDeletion: false,
    };
    const path = "status/volumereplication/shop/gone.yaml";
    records.set(path, {
      kind: "VolumeReplication",
      name: "gone",
      namespace: "shop",
      spec,
      status,
      remediation: { branch: "ferry/remediate/volumereplication-shop-gone" },
    });
    expect(plan(records).actions).toEqual([
      {
        type: "delete-replication",
        path,
        replication: {
          apiVersion: "ferry.dev/v1alpha1",
          kind: "VolumeReplication",
          metadata: { name: "gone", namespace: "shop" },
          spec,
        },
        status,
        remediationBranch: "ferry/remediate/volumereplication-shop-gone",
      },
    ]);
  });
});
