import { describe, expect, it } from "vitest";
import type { Manifest } from "../../../src/manifests/types.js";
import { buildPlan } from "../../../src/plan/plan.js";
import type { PlannedAction } from "../../../src/plan/types.js";
import { baseManifests, edit, state } from "./fixtures.js";

const NOW = new Date("2019-02-14T21:00:00Z"); // a Thursday

function actionsFor(base: readonly Manifest[], head: readonly Manifest[]): PlannedAction[] {
  return [
    ...buildPlan({ base: state(base), head: state(head), baseLabel: "a", headLabel: "b", now: NOW }).actions,
  ];
}

type Spec = Record<string, unknown>;
const spec = (m: Manifest): Spec => (m as unknown as { spec: Spec }).spec;

const base = baseManifests();
const api = "ferry.dev/v1alpha1" as const;

describe("describeActions", () => {
  type Row = [label: string, head: Manifest[], summary: RegExp[], severity?: "warning"];
  it.each<Row>([
    [
      "a new migration",
      [
        ...base,
        {
          apiVersion: api,
          kind: "Migration",
          metadata: { name: "cart-to-west" },
          spec: {
            fleet: "prod",
            source: { cluster: "east-1" },
            targets: [{ cluster: "west-1" }, { cluster: "west-2" }],
            namespaces: ["cart"],
            repository: "default",
          },
        },
      ],
      [/^Migration cart-to-west is new: Ferry will migrate namespace cart from east-1 to west-1, west-2\.$/],
    ],
    [
      "a migration with a new target",
      edit(base, "Migration", "shop-to-west", (m) => {
        (spec(m)["targets"] as unknown[]).push({ cluster: "west-2" });
        return m;
      }),
      [
        /^Migration shop\/shop-to-west changed \(spec\.targets\): Ferry will run it again/,
        /to west-1, west-2\.$/,
      ],
    ],
    [
      "a migration whose labels changed",
      edit(base, "Migration", "shop-to-west", (m) => ({
        ...m,
        metadata: { ...m.metadata, labels: { team: "a" } },
      })),
      [/only metadata changed \(metadata\.labels\); nothing to run/],
    ],
    [
      "a removed migration",
      edit(base, "Migration", "shop-to-west", () => undefined),
      [/Migration shop\/shop-to-west removed: Ferry stops reconciling it/],
    ],
    [
      "a schedule moved to another policy",
      edit(base, "MigrationSchedule", "shop-dr", (m) => {
        spec(m)["schedulePolicyName"] = "nightly";
        return m;
      }),
      [
        /^MigrationSchedule shop\/shop-dr: policy changed from testpolicy to policy nightly \(daily at 11:00PM\)\.$/,
      ],
    ],
    [
      "a suspended schedule",
      edit(base, "MigrationSchedule", "shop-dr", (m) => {
        spec(m)["suspend"] = true;
        return m;
      }),
      [/suspended: no new runs start until spec\.suspend is false/],
      "warning",
    ],
    [
      "a new schedule",
      [
        ...base,
        {
          apiVersion: api,
          kind: "MigrationSchedule",
          metadata: { name: "nightly-dr", namespace: "shop" },
          spec: {
            schedulePolicyName: "nightly",
            template: spec(base.find((m) => m.kind === "MigrationSchedule")!)["template"],
          },
        } as Manifest,
      ],
      [
        /^MigrationSchedule shop\/nightly-dr is new: Ferry will migrate namespace shop from east-1 to west-1 on policy nightly \(daily at 11:00PM\)\.$/,
      ],
    ],
    [
      "a failover",
      edit(base, "VolumeReplication", "pg-dr", (m) => {
        const s = spec(m);
        [s["source"], s["target"]] = [s["target"], s["source"]];
        return m;
      }),
      [
        /source and target swapped — this is a failover \(or failback\): west-1 becomes the source and east-1 the target/,
      ],
      "warning",
    ],
    [
      "a replication removed, snapshots retained by default",
      edit(base, "VolumeReplication", "pg-dr", () => undefined),
      [
        /replication stops; target snapshots on west-1 are retained because retainSnapshotsOnDeletion is true/,
      ],
    ],
    [
      "a replication with a new RPO",
      edit(base, "VolumeReplication", "pg-dr", (m) => {
        spec(m)["schedule"] = "*/15 * * * *";
        return m;
      }),
      [/schedule changed from cron "\*\/5 \* \* \* \*" to cron "\*\/15 \* \* \* \*"/],
    ],
    [
      "a replication keeping fewer mover snapshots",
      edit(base, "VolumeReplication", "pg-dr", (m) => {
        spec(m)["retention"] = { keepLast: 2 };
        return m;
      }),
      [
        /^VolumeReplication shop\/pg-dr: repository retention changed from the newest 7 mover snapshots of each PVC \(the default\) to the newest 2 mover snapshots of each PVC; the next cycle forgets the older snapshots \(their data is freed by the next prune\)\.$/,
      ],
      "warning",
    ],
    [
      "a replication keeping more mover snapshots",
      edit(base, "VolumeReplication", "pg-dr", (m) => {
        spec(m)["retention"] = { keepLast: 7, keepWithin: "30d" };
        return m;
      }),
      [
        /^VolumeReplication shop\/pg-dr: repository retention changed from the newest 7 mover snapshots of each PVC \(the default\) to the newest 7 mover snapshots of each PVC and any within 30d of each PVC's newest\.$/,
      ],
    ],
    [
      "a grown consistency group",
      edit(
        edit(base, "VolumeGroup", "pg", (m) => {
          (spec(m)["pvcs"] as string[]).push("logs-pg-0");
          return m;
        }),
        "VolumeReplication",
        "pg-dr",
        (m) => {
          (spec(m)["pvcMap"] as Record<string, string>)["logs-pg-0"] = "logs-pg-0";
          return m;
        },
      ),
      [/VolumeGroup shop\/pg: PVCs added: logs-pg-0\./, /PVC map changed \(\+logs-pg-0 → logs-pg-0\)/],
    ],
    [
      "a cluster removed but still referenced",
      edit(base, "Cluster", "west-2", () => undefined),
      [
        /Cluster west-2 removed: Ferry no longer connects to it; nothing on it is deleted\. It is still referenced by Fleet prod\./,
      ],
      "warning",
    ],
    [
      "a cluster with a new connection",
      edit(base, "Cluster", "east-1", (m) => {
        spec(m)["connection"] = { kubeconfig: { path: "~/.kube/config", context: "east-1" } };
        return m;
      }),
      [/Cluster east-1: Ferry now reaches it through kubeconfig ~\/\.kube\/config \(context east-1\)\./],
    ],
    [
      "a fleet losing a member",
      edit(base, "Fleet", "prod", (m) => {
        spec(m)["clusters"] = ["east-1", "west-1"];
        return m;
      }),
      [/^Fleet prod: west-2 left\.$/],
    ],
    [
      "a policy change",
      edit(base, "SchedulePolicy", "testpolicy", (m) => ({ ...m, policy: { daily: { time: "1:00AM" } } })),
      [
        /^SchedulePolicy testpolicy: drops every 1 minute; daily at 10:14PM → daily at 1:00AM; drops weekly on Thursday at 10:13PM; drops monthly on day 14 at 8:05PM\.$/,
      ],
    ],
    [
      "a repository given a prune schedule",
      edit(base, "ReplicationRepository", "default", (m) => {
        spec(m)["maintenance"] = { pruneSchedule: "0 3 * * 0", cluster: "east-1", maxUnused: "10%" };
        return m;
      }),
      [
        /^ReplicationRepository default: now pruned on cron "0 3 \* \* 0" by a Job on east-1 in namespace default, repacking packs more than 10% unused; while a prune runs, backups and restores through it are refused \(cycles resume after it\)\.$/,
      ],
    ],
    [
      "a repository moving to S3",
      edit(base, "ReplicationRepository", "default", (m) => {
        spec(m)["filesystem"] = undefined;
        delete spec(m)["filesystem"];
        spec(m)["s3"] = {
          bucket: "ferry",
          prefix: "prod/",
          credentialsEnv: { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" },
        };
        return m;
      }),
      [
        /new runs use s3:\/\/ferry\/prod\/, encrypted with the key in \$FERRY_REPOSITORY_KEY \(was the folder \/var\/lib\/ferry\/repo/,
      ],
      "warning",
    ],
  ])("%s", (_label, head, summaries, severity) => {
    const actions = actionsFor(base, head);
    const text = actions.map((a) => a.summary);
    for (const pattern of summaries)
      expect(
        text.some((t) => pattern.test(t)),
        `${pattern} in ${JSON.stringify(text)}`,
      ).toBe(true);
    if (severity) expect(actions.some((a) => a.severity === severity)).toBe(true);
  });

  describe("a VolumeGroup capacity change", () => {
    const withCapacity = (capacity: Record<string, string> | undefined) =>
      edit(base, "VolumeGroup", "pg", (m) => {
        if (capacity === undefined) delete spec(m)["capacity"];
        else spec(m)["capacity"] = capacity;
        return m;
      });
    const sized = withCapacity({ "data-pg-0": "1Gi", "wal-pg-0": "512Mi" });
    it.each([
      {
        name: "raised: the replications that have the group as source grow both sides",
        from: sized,
        to: withCapacity({ "data-pg-0": "2Gi", "wal-pg-0": "512Mi" }),
        summary: "VolumeGroup shop/pg: capacity of data-pg-0 raised from 1Gi to 2Gi.",
        detail:
          /^VolumeReplication shop\/pg-dr \(east-1 → west-1\) will pause replication, grow any smaller claim on both sides and resume; a claim cannot be shrunk back\.$/,
        severity: "info",
      },
      {
        name: "set for the first time",
        from: base,
        to: withCapacity({ "data-pg-0": "1Gi" }),
        summary: "VolumeGroup shop/pg: capacity of data-pg-0 set to 1Gi.",
        detail: /will pause replication/,
        severity: "info",
      },
      {
        name: "lowered: nothing shrinks, a warning",
        from: sized,
        to: withCapacity({ "data-pg-0": "512Mi", "wal-pg-0": "512Mi" }),
        summary: "VolumeGroup shop/pg: capacity of data-pg-0 lowered from 1Gi to 512Mi.",
        detail: /^Kubernetes cannot shrink a claim: claims already larger keep their size/,
        severity: "warning",
      },
      {
        name: "removed",
        from: sized,
        to: withCapacity({ "data-pg-0": "1Gi" }),
        summary: "VolumeGroup shop/pg: capacity no longer set for wal-pg-0.",
        detail: /^Claims keep their current size\.$/,
        severity: "info",
      },
    ])("$name", ({ from, to, summary, detail, severity }) => {
      const [a] = actionsFor(from, to);
      expect(a?.summary).toBe(summary);
      expect(
        a?.details.some((d) => detail.test(d)),
        JSON.stringify(a?.details),
      ).toBe(true);
      expect(a?.severity).toBe(severity);
    });

    it("shows in the diff of ferry plan as a field change", () => {
      const plan = buildPlan({
        base: state(sized),
        head: state(withCapacity({ "data-pg-0": "2Gi", "wal-pg-0": "512Mi" })),
        baseLabel: "a",
        headLabel: "b",
        now: NOW,
      });
      expect(plan.diff.objects.map((o) => o.fields)).toEqual([
        [{ path: ["spec", "capacity", "data-pg-0"], before: "1Gi", after: "2Gi" }],
      ]);
    });
  });

  it("warns that removing a replication deletes target snapshots when retention is off", () => {
    const noRetain = edit(base, "VolumeReplication", "pg-dr", (m) => {
      spec(m)["retainSnapshotsOnDeletion"] = false;
      return m;
    });
    const [a] = actionsFor(
      noRetain,
      edit(noRetain, "VolumeReplication", "pg-dr", () => undefined),
    );
    expect(a?.summary).toBe(
      "VolumeReplication shop/pg-dr removed: replication stops and the target snapshots on west-1 are deleted (retainSnapshotsOnDeletion is false).",
    );
    expect(a?.severity).toBe("warning");
  });

  it("dates the first run of a new schedule from now", () => {
    const head: Manifest[] = [
      ...base,
      {
        apiVersion: api,
        kind: "MigrationSchedule",
        metadata: { name: "nightly-dr", namespace: "shop" },
        spec: {
          schedulePolicyName: "nightly",
          template: spec(base.find((m) => m.kind === "MigrationSchedule")!)["template"],
        },
      } as Manifest,
    ];
    const [a] = actionsFor(base, head);
    expect(a?.details[0]).toBe("First run 2019-02-14 23:00 UTC (daily).");
    expect(a?.details).toContain("Resources only (no volume data), through repository default.");
  });

  it("runs an interval schedule at once", () => {
    const head = edit(base, "MigrationSchedule", "shop-dr", (m) => ({
      ...m,
      metadata: { name: "shop-dr2", namespace: "shop" },
    }));
    const added = actionsFor(base, head).find((a) => a.change === "added");
    expect(added?.details[0]).toBe(
      "First run at once (interval), then every 1 minute; daily at 10:14PM; weekly on Thursday at 10:13PM; monthly on day 14 at 8:05PM.",
    );
  });

  it("names the schedules a policy change affects, with the next calendar run", () => {
    const head = edit(base, "SchedulePolicy", "nightly", (m) => ({
      ...m,
      policy: { daily: { time: "2:30AM" }, timezone: "America/New_York" },
    }));
    const withUser = edit(head, "MigrationSchedule", "shop-dr", (m) => {
      spec(m)["schedulePolicyName"] = "nightly";
      return m;
    });
    const policyAction = actionsFor(base, withUser).find((a) => a.key.kind === "SchedulePolicy");
    expect(policyAction?.details).toEqual([
      "Affects MigrationSchedule shop/shop-dr.",
      "Next scheduled run 2019-02-15 07:30 UTC (2019-02-15 2:30AM America/New_York) (daily).",
    ]);
  });
});
