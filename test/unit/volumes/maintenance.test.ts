import { describe, expect, it } from "vitest";
import { parseReport, renderReport, type Report } from "../../../src/gitops/reconcile/report.js";
import { planReconcile } from "../../../src/gitops/reconcile/plan.js";
import { specHash } from "../../../src/gitops/reconcile/spec-hash.js";
import { loadDesiredState } from "../../../src/manifests/load.js";
import { memoryTree } from "../../../src/manifests/tree-memory.js";
import type { RepositoryMaintenance } from "../../../src/manifests/types.js";
import {
  afterPruneJob,
  initialMaintenanceStatus,
  pruneArgs,
  pruneDue,
  pruneJobName,
  type RepositoryMaintenanceStatus,
} from "../../../src/volumes/maintenance.js";
import { parseMoverLine, type MoverLine } from "../../../src/volumes/mover-output.js";
import type { MoverJobState } from "../../../src/volumes/run-job.js";
import { exampleFiles } from "../../helpers/example-repo.js";

const WEEKLY: RepositoryMaintenance = { pruneSchedule: "0 3 * * 0", cluster: "east-1" }; // Sundays 03:00 UTC
const at = (iso: string): Date => new Date(iso);
const idle = (over: Partial<RepositoryMaintenanceStatus> = {}): RepositoryMaintenanceStatus => ({
  phase: "Idle",
  since: "2026-11-01T00:00:00.000Z",
  ...over,
});
const running = {
  cluster: "east-1",
  namespace: "default",
  job: "ferry-prune-default-20261122030000",
  startedAt: "2026-11-22T03:00:10.000Z",
};
const due = (status: RepositoryMaintenanceStatus, now: string, maintenance = WEEKLY): boolean =>
  pruneDue({ repository: "default", maintenance, status, now: at(now) });

describe("pruneDue", () => {
  it.each([
    [
      "a new schedule waits for its first occurrence",
      idle({ since: "2026-11-21T10:00:00Z" }),
      "2026-11-21T12:00:00Z",
      false,
    ],
    ["an occurrence after since", idle({ since: "2026-11-21T10:00:00Z" }), "2026-11-22T03:00:05Z", true],
    [
      "the occurrence already pruned",
      idle({
        lastPrune: {
          result: "Succeeded",
          startedAt: "2026-11-22T03:00:10Z",
          finishedAt: "2026-11-22T03:05:00Z",
        },
      }),
      "2026-11-23T12:00:00Z",
      false,
    ],
    [
      "a failed prune waits for the next occurrence",
      idle({
        phase: "Failed",
        lastPrune: {
          result: "Failed",
          startedAt: "2026-11-22T03:00:10Z",
          finishedAt: "2026-11-22T03:00:20Z",
        },
      }),
      "2026-11-22T09:00:00Z",
      false,
    ],
    [
      "a locked repository stays due (retried at the next reconcile)",
      idle({
        phase: "Locked",
        since: "2026-11-21T10:00:00Z",
        locked: { at: "2026-11-22T03:00:20Z", message: "locked" },
      }),
      "2026-11-22T03:01:00Z",
      true,
    ],
    ["never while a prune runs", idle({ phase: "Pruning", running }), "2026-11-29T03:00:05Z", false],
  ])("%s", (_label, status, now, expected) => {
    expect(due(status, now)).toBe(expected);
  });

  it("reads the schedule in its time zone", () => {
    const berlin = { ...WEEKLY, timezone: "Europe/Berlin" }; // 03:00 in Berlin is 02:00 UTC in November
    const since = idle({ since: "2026-11-21T12:00:00Z" });
    expect(due(since, "2026-11-22T02:00:30Z", berlin)).toBe(true);
    expect(due(since, "2026-11-22T02:00:30Z")).toBe(false);
  });
});

describe("the prune Job", () => {
  it("is named for the repository and the minute, and passes maxUnused", () => {
    expect(pruneJobName("default", at("2026-11-22T03:00:10Z"))).toBe("ferry-prune-default-20261122030010");
    expect(pruneArgs(undefined)).toEqual(["mover", "prune", "--json"]);
    expect(pruneArgs("10%")).toEqual(["mover", "prune", "--json", "--max-unused", "10%"]);
  });

  const pruned = parseMoverLine(
    '{"type":"result","command":"prune","dryRun":false,"snapshots":4,"packs":9,"packsRemoved":3,"packsRepacked":1,"packsWritten":1,"bytesRemoved":5000,"bytesWritten":800,"unusedBytesAfter":10}',
  );
  const NOW = at("2026-11-22T03:07:00Z");
  const status = idle({ phase: "Pruning", running, locked: { at: "2026-11-22T03:00:00Z", message: "x" } });
  it.each<[string, MoverJobState, Partial<RepositoryMaintenanceStatus>]>([
    ["still running: unchanged", { state: "running" }, status],
    [
      "succeeded: the counts, the lock note cleared",
      {
        state: "succeeded",
        result: pruned as Extract<MoverLine, { type: "result" }>,
      },
      {
        phase: "Idle",
        lastPrune: {
          result: "Succeeded",
          startedAt: running.startedAt,
          finishedAt: NOW.toISOString(),
          snapshots: 4,
          packsRemoved: 3,
          packsRepacked: 1,
          bytesRemoved: 5000,
          bytesWritten: 800,
        },
      },
    ],
    [
      "locked by another mover: Locked, not a prune",
      {
        state: "failed",
        code: "Conflict",
        why: "Conflict: the repository is locked: host pid 7 (mover-backup)",
      },
      {
        phase: "Locked",
        locked: {
          at: NOW.toISOString(),
          message: "Conflict: the repository is locked: host pid 7 (mover-backup)",
        },
      },
    ],
    [
      "failed otherwise: the last prune failed",
      { state: "failed", code: "Integrity", why: "Integrity: chunk abc missing" },
      {
        phase: "Failed",
        lastPrune: {
          result: "Failed",
          startedAt: running.startedAt,
          finishedAt: NOW.toISOString(),
          message: "Integrity: chunk abc missing",
        },
      },
    ],
    [
      "deleted by someone: failed, saying so",
      { state: "missing" },
      {
        phase: "Failed",
        lastPrune: {
          result: "Failed",
          startedAt: running.startedAt,
          finishedAt: NOW.toISOString(),
          message: `the prune Job default/${running.job} on east-1 was deleted before it finished`,
        },
      },
    ],
  ])("%s", (_label, job, expected) => {
    const next = afterPruneJob(status, job, NOW);
    if (job.state === "running") expect(next).toBe(status);
    else {
      expect(next.running).toBeUndefined();
      expect(next).toMatchObject(expected);
      // A prune that ran clears the note of an earlier lock conflict.
      if (next.phase === "Idle") expect(next.locked).toBeUndefined();
    }
  });
});

describe("the reconcile plan and report of a repository with maintenance", () => {
  const NOW = at("2026-11-22T03:00:30Z");
  const PATH = "status/replicationrepository/default.yaml";
  const load = async (maintenance: string) => {
    const files = await exampleFiles();
    const text = files["clusters/repository.yaml"] ?? "";
    const loaded = await loadDesiredState(
      memoryTree({
        ...files,
        "clusters/repository.yaml": `${text.trimEnd()}\n  maintenance: ${maintenance}\n`,
      }),
    );
    expect(loaded.problems).toEqual([]);
    return loaded;
  };
  const actions = (loaded: Awaited<ReturnType<typeof load>>, records: Map<string, Report>) =>
    planReconcile({ commit: "c1", load: loaded, records, live: new Map(), now: NOW }).actions.filter(
      (a) => a.type === "maintain-repository",
    );

  it("records a new schedule, starts a due prune, looks at a running one, and is idle otherwise", async () => {
    const loaded = await load("{pruneSchedule: '0 3 * * 0', cluster: east-1}");
    const hash = specHash(loaded.state.get("ReplicationRepository", "default")?.manifest.spec.maintenance);
    const report = (status: RepositoryMaintenanceStatus): Map<string, Report> =>
      new Map([[PATH, { kind: "ReplicationRepository", name: "default", specHash: hash, status }]]);
    expect(actions(loaded, new Map())).toMatchObject([
      { path: PATH, specHash: hash, status: initialMaintenanceStatus(NOW) },
    ]);
    expect(actions(loaded, report(idle()))).toHaveLength(1); // due: Sunday 03:00 fell after since
    expect(actions(loaded, report(idle({ since: NOW.toISOString() })))).toEqual([]);
    expect(
      actions(loaded, report(idle({ since: NOW.toISOString(), phase: "Pruning", running }))),
    ).toHaveLength(1);
    // A changed schedule is recorded at once.
    expect(
      actions(
        loaded,
        new Map([
          [
            PATH,
            {
              kind: "ReplicationRepository",
              name: "default",
              specHash: "old",
              status: idle({ since: NOW.toISOString() }),
            },
          ],
        ]),
      ),
    ).toHaveLength(1);
  });

  it("forgets the report when the maintenance is removed", async () => {
    const files = await exampleFiles();
    const loaded = await loadDesiredState(memoryTree(files));
    const plan = planReconcile({
      commit: "c1",
      load: loaded,
      records: new Map([[PATH, { kind: "ReplicationRepository", name: "default", status: idle() }]]),
      live: new Map(),
      now: NOW,
    });
    expect(plan.actions.filter((a) => a.path === PATH)).toEqual([
      { type: "forget", path: PATH, kind: "ReplicationRepository" },
    ]);
  });

  it("round-trips the report", () => {
    const status = idle({ phase: "Locked", running, locked: { at: NOW.toISOString(), message: "locked" } });
    const report: Report = {
      kind: "ReplicationRepository",
      name: "default",
      specHash: "h",
      source: { file: "clusters/repository.yaml", commit: "c1" },
      status,
    };
    const text = renderReport(report);
    expect(text).toContain("phase: Locked");
    expect(parseReport(text)).toEqual(report);
  });
});
