import { describe, expect, it } from "vitest";
import { reduceMigrationStatus, type MigrationPhase } from "../../../src/engine/status/migration-status.js";
import { replicationSummary, type ReplicationSummary } from "../../../src/engine/status/summary.js";
import type { MigrationEvent, ObjectOutcome } from "../../../src/engine/status/events.js";
import type { ObjectRef } from "../../../src/engine/kube-object.js";

const t = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ref = (name: string): ObjectRef => ({ apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name });

const started: MigrationEvent = {
  type: "MigrationStarted",
  at: t(0),
  migration: "m",
  sourceCluster: "east-1",
  targets: ["west-1", "west-2"],
};
const prechecksPassed: MigrationEvent[] = [
  { type: "PrecheckStarted", at: t(1), target: "west-1" },
  {
    type: "PrecheckResult",
    at: t(1),
    result: { check: "reachable", target: "west-1", verdict: "compatible", reason: "ok" },
  },
  { type: "PrecheckStarted", at: t(1), target: "west-2" },
  {
    type: "PrecheckResult",
    at: t(1),
    result: { check: "reachable", target: "west-2", verdict: "compatible", reason: "ok" },
  },
  { type: "PrecheckCompleted", at: t(2), proceed: true, message: "pre-checks passed" },
];
const backedUp: MigrationEvent[] = [
  { type: "BackupStarted", at: t(3), cluster: "east-1", name: "m-bk" },
  { type: "BackupProgress", at: t(4), itemsDone: 1, itemsTotal: 2, bytesDone: 100 },
  { type: "BackupCompleted", at: t(5), id: "sha-1", objects: 2, bytes: 250 },
];
const restore = (
  cluster: string,
  outcomes: [string, ObjectOutcome, string?][],
  end?: "RestoreCompleted" | "RestoreFailed",
): MigrationEvent[] => [
  { type: "RestoreStarted", at: t(6), cluster, name: `m-${cluster}`, itemsTotal: 2 },
  ...outcomes.map(([name, outcome, reason]): MigrationEvent => ({
    type: "RestoreObjectResult",
    at: t(7),
    cluster,
    object: ref(name),
    outcome,
    ...(reason === undefined ? {} : { reason }),
  })),
  ...(end === undefined
    ? []
    : [
        end === "RestoreCompleted"
          ? ({ type: end, at: t(8), cluster } as const)
          : ({ type: end, at: t(8), cluster, reason: "lost connection" } as const),
      ]),
];
const good = (cluster: string): MigrationEvent[] =>
  restore(
    cluster,
    [
      ["a", "created"],
      ["b", "unchanged"],
    ],
    "RestoreCompleted",
  );

describe("reduceMigrationStatus: phase", () => {
  it.each<[string, MigrationEvent[], MigrationPhase]>([
    ["no events", [], "Pending"],
    ["started", [started], "InProgress"],
    [
      "pre-checks stopped it",
      [started, { type: "PrecheckCompleted", at: t(2), proceed: false, message: "1 incompatible" }],
      "PrecheckFailed",
    ],
    [
      "pre-checks re-run after a failure",
      [started, { type: "PrecheckCompleted", at: t(2), proceed: false, message: "x" }, ...prechecksPassed],
      "InProgress",
    ],
    [
      "backup failed",
      [
        started,
        ...prechecksPassed,
        { type: "BackupStarted", at: t(3), cluster: "east-1", name: "b" },
        { type: "BackupFailed", at: t(4), reason: "disk full" },
      ],
      "Failed",
    ],
    [
      "one target restored, one pending",
      [started, ...prechecksPassed, ...backedUp, ...good("west-1")],
      "InProgress",
    ],
    [
      "both restored",
      [started, ...prechecksPassed, ...backedUp, ...good("west-1"), ...good("west-2")],
      "Completed",
    ],
    [
      "an object failed on one target",
      [
        started,
        ...backedUp,
        ...good("west-1"),
        ...restore(
          "west-2",
          [
            ["a", "created"],
            ["b", "failed", "forbidden"],
          ],
          "RestoreCompleted",
        ),
      ],
      "PartiallyFailed",
    ],
    [
      "one target failed",
      [started, ...backedUp, ...good("west-1"), ...restore("west-2", [], "RestoreFailed")],
      "PartiallyFailed",
    ],
    [
      "every target failed",
      [
        started,
        ...backedUp,
        ...restore("west-1", [], "RestoreFailed"),
        ...restore("west-2", [], "RestoreFailed"),
      ],
      "Failed",
    ],
  ])("%s → %s", (_name, events, phase) => {
    expect(reduceMigrationStatus(events).phase).toBe(phase);
  });
});

describe("reduceMigrationStatus: content", () => {
  const events = [
    started,
    ...prechecksPassed,
    ...backedUp,
    ...good("west-1"),
    ...restore(
      "west-2",
      [
        ["a", "created"],
        ["b", "failed", "admission webhook denied"],
        ["c", "skipped", "foreign"],
      ],
      "RestoreCompleted",
    ),
  ];
  const status = reduceMigrationStatus(events);

  it("describes the source's backup like Kurator's sourceClusterStatus", () => {
    expect(status.sourceClusterStatus).toEqual({
      cluster: "east-1",
      backup: {
        name: "m-bk",
        id: "sha-1",
        phase: "Completed",
        objects: 2,
        bytes: 250,
        startTimestamp: t(3),
        completionTimestamp: t(5),
      },
    });
  });

  it("describes every target's restore with counts and errors", () => {
    expect(status.targetClusterStatus).toEqual([
      {
        cluster: "west-1",
        restore: {
          name: "m-west-1",
          phase: "Completed",
          itemsTotal: 2,
          counts: { created: 1, updated: 0, unchanged: 1, skipped: 0, failed: 0 },
          errors: [],
          startTimestamp: t(6),
          completionTimestamp: t(8),
        },
      },
      {
        cluster: "west-2",
        restore: {
          name: "m-west-2",
          phase: "PartiallyFailed",
          itemsTotal: 2,
          counts: { created: 1, updated: 0, unchanged: 0, skipped: 1, failed: 1 },
          errors: [{ object: "ConfigMap shop/b", reason: "admission webhook denied" }],
          startTimestamp: t(6),
          completionTimestamp: t(8),
        },
      },
    ]);
  });

  it("counts pre-check verdicts and keeps the results", () => {
    expect(status.prechecks).toMatchObject({ compatible: 2, actionable: 0, incompatible: 0 });
    expect(status.prechecks?.results).toHaveLength(2);
  });

  it("reports progress over backup and restores", () => {
    expect(status.progress).toEqual({ itemsDone: 2 + 2 + 3, itemsTotal: 2 + 2 + 3, bytesDone: 250 });
  });

  it("sets conditions with transition times", () => {
    expect(status.conditions.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime])).toEqual([
      ["PrechecksPassed", "True", "Passed", t(2)],
      ["SourceReady", "True", "BackupCompleted", t(5)],
      ["TargetsReady", "False", "RestoresFailed", t(8)],
    ]);
    expect(status.startTimestamp).toBe(t(0));
    expect(status.completionTimestamp).toBe(t(8));
  });

  it("keeps a condition's transition time while its status holds", () => {
    const s = reduceMigrationStatus([
      { type: "PrecheckCompleted", at: t(1), proceed: true, message: "a" },
      { type: "PrecheckStarted", at: t(2), target: "x" },
      { type: "PrecheckCompleted", at: t(3), proceed: true, message: "b" },
    ]);
    expect(s.conditions[0]).toMatchObject({ status: "True", message: "b", lastTransitionTime: t(1) });
  });

  it("a resumed restore counts each object once, by its latest outcome", () => {
    const s = reduceMigrationStatus([
      started,
      ...restore("west-1", [
        ["a", "created"],
        ["b", "failed", "timeout"],
      ]),
      ...restore(
        "west-1",
        [
          ["a", "unchanged"],
          ["b", "created"],
        ],
        "RestoreCompleted",
      ),
    ]);
    expect(s.targetClusterStatus[0]?.restore?.counts).toEqual({
      created: 1,
      updated: 0,
      unchanged: 1,
      skipped: 0,
      failed: 0,
    });
    expect(s.targetClusterStatus[0]?.restore?.phase).toBe("Completed");
  });

  it("bounds the errors it keeps", () => {
    const failures = Array.from({ length: 5 }, (_, i): [string, ObjectOutcome, string] => [
      `o${i}`,
      "failed",
      "no",
    ]);
    const s = reduceMigrationStatus(restore("west-1", failures, "RestoreCompleted"), { maxErrors: 2 });
    expect(s.targetClusterStatus[0]?.restore?.errors).toHaveLength(2);
    expect(s.targetClusterStatus[0]?.restore?.omittedErrors).toBe(3);
  });

  it("does not change with the same events (pure)", () => {
    expect(reduceMigrationStatus(events)).toEqual(status);
  });
});

describe("replicationSummary (KubeSlice statuses)", () => {
  it.each<[MigrationPhase, ReplicationSummary]>([
    ["Pending", "In Progress"],
    ["InProgress", "In Progress"],
    ["Completed", "Success"],
    ["PrecheckFailed", "Error"],
    ["PartiallyFailed", "Error"],
    ["Failed", "Error"],
  ])("%s → %s", (phase, summary) => {
    expect(replicationSummary(phase)).toBe(summary);
  });
});
