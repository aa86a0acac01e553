import { describe, expect, it } from "vitest";
import type { VolumeReplicationSpec } from "../../../src/manifests/types.js";
import { applyRetention, retentionPolicyOf } from "../../../src/mover/retention.js";
import { forgetArgs, moverJob } from "../../../src/volumes/mover-job.js";
import { parseMoverLine } from "../../../src/volumes/mover-output.js";
import {
  DEFAULT_RETENTION,
  replicationTag,
  retentionCondition,
  retentionOf,
} from "../../../src/volumes/retention-step.js";

const spec = (retention?: VolumeReplicationSpec["retention"]): VolumeReplicationSpec => ({
  source: { cluster: "east-1", volumeGroup: "pg" },
  target: { cluster: "west-1", volumeGroup: "pg" },
  pvcMap: { data: "data" },
  schedule: "*/5 * * * *",
  ...(retention === undefined ? {} : { retention }),
});

/** The options `ferry mover forget` parses from a Job's arguments, as its CLI reads them. */
function cliPolicy(args: readonly string[]) {
  const values = (flag: string): string[] =>
    args.flatMap((a, i) => (a === flag && args[i + 1] !== undefined ? [args[i + 1] ?? ""] : []));
  const policy = retentionPolicyOf({
    keepLast: values("--keep-last")[0],
    keepWithin: values("--keep-within")[0],
    tags: values("--tag"),
    groupBy: values("--group-by")[0],
    ignoreSource: args.includes("--ignore-source"),
  });
  if (!policy.ok) throw new Error(policy.error.join("; "));
  return policy.value;
}

describe("repository retention of a replication", () => {
  it("keeps the newest 7 snapshots per claim when the manifest says nothing", () => {
    expect(retentionOf(spec())).toEqual({ keepLast: 7 });
    expect(retentionOf(spec())).toBe(DEFAULT_RETENTION);
    expect(retentionOf(spec({ keepWithin: "3d" }))).toEqual({ keepWithin: "3d" });
  });

  it.each([
    [{ keepLast: 2 }, ["--keep-last", "2"]],
    [{ keepWithin: "72h" }, ["--keep-within", "72h"]],
    [{ keepLast: 3, keepWithin: "1w" }, ["--keep-last", "3", "--keep-within", "1w"]],
  ])("forgets with %j: counts only, this replication's snapshots, one history per claim", (r, rules) => {
    expect(forgetArgs({ replication: replicationTag("shop", "pg-dr"), ...r })).toEqual([
      "mover",
      "forget",
      "--json",
      "--summary",
      "--tag",
      "replication=shop.pg-dr",
      "--group-by",
      "replication,pvc",
      "--ignore-source",
      ...rules,
    ]);
  });

  it("the Job's policy leaves other replications and migrations alone and keeps each claim's newest", () => {
    const at = (minute: number): string => `2026-11-21T10:${String(minute).padStart(2, "0")}:00.000Z`;
    // Each cycle reads its own temporary claim: a local cluster mounts it from another path.
    const snap = (id: string, minute: number, tags: Record<string, string>) => ({
      id,
      time: at(minute),
      source: `/volumes/pvc-${id}`,
      tags,
    });
    const mine = (pvc: string, minute: number) =>
      snap(`${pvc}-${minute}`, minute, { replication: "shop.pg-dr", pvc, cycle: `c${minute}` });
    const snapshots = [
      ...[1, 2, 3, 4].flatMap((m) => [mine("data", m), mine("wal", m)]),
      // Another replication whose name shares a prefix, one in another namespace, a migration.
      snap("other-1", 0, { replication: "shop.pg-dr2", pvc: "data", cycle: "x" }),
      snap("other-2", 0, { replication: "shop2.pg-dr", pvc: "data", cycle: "y" }),
      snap("migration", 0, { backup: "shop-to-west", claim: "shop.data" }),
    ];
    const args = forgetArgs({ replication: replicationTag("shop", "pg-dr"), keepLast: 2 });
    const decision = applyRetention(snapshots, cliPolicy(args));
    expect(decision.untouched).toBe(3);
    expect(decision.keep.map((k) => k.id).sort()).toEqual(["data-3", "data-4", "wal-3", "wal-4"]);
    expect(decision.forget.map((f) => f.id).sort()).toEqual(["data-1", "data-2", "wal-1", "wal-2"]);
    // keepWithin alone still keeps the newest of every claim (the next cycle's parent).
    const within = applyRetention(
      snapshots,
      cliPolicy(forgetArgs({ replication: "shop.pg-dr", keepWithin: "1h" })),
    );
    expect(within.forget).toEqual([]);
  });

  it("reads the forget Job's summary and mounts no claim", () => {
    expect(
      parseMoverLine(
        '{"type":"result","command":"forget","dryRun":false,"keptCount":4,"removedCount":2,"untouched":3}',
      ),
    ).toEqual({ type: "result", command: "forget", keptCount: 4, removedCount: 2, untouched: 3 });
    const job = moverJob({
      name: "pg-dr-20261121061500-f0-1",
      namespace: "shop",
      image: "ghcr.io/ferry-dev/ferry:v1",
      args: forgetArgs({ replication: "shop.pg-dr", keepLast: 7 }),
      readOnly: true,
      repository: "s3://bucket/prefix",
      labels: {},
    });
    const pod = (job["spec"] as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(pod["volumes"]).toBeUndefined();
    expect((pod["containers"] as Record<string, unknown>[])[0]?.["volumeMounts"]).toBeUndefined();
  });

  it("says what was forgotten, or that a failed forget left the snapshots for the next cycle", () => {
    expect(retentionCondition({ ok: true, removed: 2, kept: 4 }, { keepLast: 2 })).toEqual({
      type: "RepositoryRetention",
      status: "True",
      reason: "SnapshotsForgotten",
      message: "forgot 2 older snapshots, kept 4 (keepLast 2)",
    });
    expect(
      retentionCondition({ ok: false, message: "Job failed: Conflict" }, { keepLast: 2, keepWithin: "7d" }),
    ).toEqual({
      type: "RepositoryRetention",
      status: "False",
      reason: "ForgetFailed",
      message:
        "older snapshots were not forgotten (they stay until the next cycle forgets them): Job failed: Conflict",
    });
  });
});
