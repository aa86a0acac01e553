import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { compilePolicy } from "../../../src/schedule/index.js";
import { reconcileConfiguration } from "../../../src/volumes/configuration.js";
import { backupArgs, moverJob, restoreArgs } from "../../../src/volumes/mover-job.js";
import { lastProgress, parseMoverLine } from "../../../src/volumes/mover-output.js";
import { cycleId, cycleObjectName, replicationLabelValue, trimName } from "../../../src/volumes/names.js";
import { moverRepositoryAccess } from "../../../src/volumes/repository-location.js";
import { roleSwapOf } from "../../../src/volumes/role-swap.js";
import { cycleDue, failoverWarranted, replicationPolicy, rpoIntervalMs } from "../../../src/volumes/rpo.js";
import type { VolumeReplicationSpec } from "../../../src/manifests/types.js";

const claim = (name: string, size: string, storageClass = "standard"): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, namespace: "shop" },
  spec: {
    accessModes: ["ReadWriteOnce"],
    storageClassName: storageClass,
    resources: { requests: { storage: size } },
  },
});

describe("reconcileConfiguration", () => {
  const base = {
    replication: "pg-dr",
    namespace: "shop",
    pvcMap: { a: "a2", b: "b2" },
    sourceGroupPvcs: ["a", "b"],
    targetGroupPvcs: ["a2", "b2"],
    targetCluster: "west-1",
  };
  it.each([
    {
      name: "both sides match",
      source: [claim("a", "1Gi"), claim("b", "2Gi")],
      target: [claim("a2", "1Gi"), claim("b2", "4Gi")],
      verdicts: ["compatible", "compatible"],
      create: [],
      grow: [],
    },
    {
      name: "a missing target claim is created with the source's size and mapped class",
      source: [claim("a", "1Gi", "fast-ssd"), claim("b", "2Gi")],
      target: [claim("b2", "2Gi")],
      verdicts: ["compatible", "compatible"],
      create: [{ name: "a2", size: "1Gi", class: "standard" }],
      grow: [],
    },
    {
      name: "a smaller target is actionable with a grow remediation",
      source: [claim("a", "1Gi"), claim("b", "2Gi")],
      target: [claim("a2", "1Gi"), claim("b2", "1536Mi")],
      verdicts: ["compatible", "actionable"],
      create: [],
      grow: [{ claim: "b2", from: "1536Mi", to: "2Gi" }],
    },
    {
      name: "a missing source claim is incompatible",
      source: [claim("a", "1Gi")],
      target: [claim("a2", "1Gi"), claim("b2", "1Gi")],
      verdicts: ["compatible", "incompatible"],
      create: [],
      grow: [],
    },
  ])("$name", ({ source, target, verdicts, create, grow }) => {
    const verdict = reconcileConfiguration({
      ...base,
      sourceClaims: new Map(source.map((c) => [c.metadata.name, c])),
      targetClaims: new Map(target.map((c) => [c.metadata.name, c])),
      storageClassMapping: { "fast-ssd": "standard" },
    });
    expect(verdict.prechecks.map((p) => p.verdict).sort()).toEqual([...verdicts].sort());
    expect(verdict.incompatible).toBe(verdicts.includes("incompatible"));
    expect(
      verdict.create.map((c) => {
        const spec = c["spec"] as { storageClassName?: string; resources: { requests: { storage: string } } };
        return { name: c.metadata.name, size: spec.resources.requests.storage, class: spec.storageClassName };
      }),
    ).toEqual(create);
    expect(verdict.grow).toEqual(grow);
  });

  it("names claims outside the groups or the map as incompatible", () => {
    const verdict = reconcileConfiguration({
      ...base,
      pvcMap: { a: "a2", c: "c2" },
      sourceClaims: new Map([["a", claim("a", "1Gi")]]),
      targetClaims: new Map([["a2", claim("a2", "1Gi")]]),
    });
    expect(verdict.prechecks.filter((p) => p.verdict === "incompatible").map((p) => p.reason)).toEqual([
      "UnmappedClaim",
      "ClaimNotInGroup",
      "ClaimNotInGroup",
      "SourceClaimMissing",
    ]);
  });
});

describe("mover Jobs", () => {
  it("mounts the claim at /data, passes the repository, secrets by envFrom, never retries", () => {
    const job = moverJob({
      name: "pg-dr-20261121061500-b0-1",
      namespace: "shop",
      image: "ghcr.io/ferry-dev/ferry:v1",
      args: backupArgs({ parent: "abc", tags: { pvc: "data" }, packSizeMiB: 4 }),
      claim: "snap-claim",
      readOnly: true,
      repository: "s3://bucket/prefix",
      secretName: "ferry-volume-mover",
      serviceAccountName: "ferry-mover",
      labels: { "ferry.dev/replication-cycle": "c1" },
    });
    const spec = job["spec"] as {
      backoffLimit: number;
      template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
    };
    expect(spec.backoffLimit).toBe(0);
    expect(spec.template.spec["serviceAccountName"]).toBe("ferry-mover");
    expect(spec.template.spec["restartPolicy"]).toBe("Never");
    expect(spec.template.spec.containers[0]).toMatchObject({
      image: "ghcr.io/ferry-dev/ferry:v1",
      args: [
        "mover",
        "backup",
        "--source",
        "/data",
        "--json",
        "--parent",
        "abc",
        "--pack-size",
        "4",
        "--tag",
        "pvc=data",
      ],
      env: [{ name: "FERRY_REPOSITORY", value: "s3://bucket/prefix" }],
      envFrom: [{ secretRef: { name: "ferry-volume-mover" } }],
      volumeMounts: [{ name: "data", mountPath: "/data", readOnly: true }],
    });
    expect(job.metadata.labels).toMatchObject({
      "ferry.dev/managed-by": "ferry",
      "ferry.dev/replication-cycle": "c1",
    });
  });

  it("restores in mirror mode (a mount point cannot be renamed)", () => {
    expect(restoreArgs("abc")).toEqual([
      "mover",
      "restore",
      "--snapshot",
      "abc",
      "--target",
      "/data",
      "--mode",
      "mirror",
      "--json",
    ]);
  });
});

describe("mover output", () => {
  it.each([
    [
      '{"type":"progress","task":"backup","done":1,"bytesDone":10,"bytesTotal":20}',
      { type: "progress", task: "backup", bytesDone: 10, bytesTotal: 20 },
    ],
    [
      '{"type":"result","command":"backup","snapshotId":"s1","files":3,"bytesRead":100,"bytesUploaded":7}',
      { type: "result", command: "backup", snapshotId: "s1", bytesRead: 100, bytesUploaded: 7 },
    ],
    [
      '{"type":"result","command":"restore","snapshotId":"s1","bytesWritten":5}',
      { type: "result", command: "restore", snapshotId: "s1", bytesWritten: 5 },
    ],
    [
      '{"type":"error","code":"Integrity","message":"bad chunk"}',
      { type: "error", code: "Integrity", message: "bad chunk" },
    ],
    ["warning: something", undefined],
    ['{"type":"result"}', undefined],
    ["[1,2]", undefined],
  ])("%s", (line, parsed) => {
    expect(parseMoverLine(line)).toEqual(parsed);
  });

  it("finds the last progress line of a log tail", () => {
    const log = [
      '{"type":"progress","task":"backup","bytesDone":1}',
      '{"type":"progress","task":"backup","bytesDone":2}',
      "noise",
      "",
    ].join("\n");
    expect(lastProgress(log)?.bytesDone).toBe(2);
    expect(lastProgress("noise")).toBeUndefined();
  });
});

describe("names", () => {
  it("keeps cycle ids and Job names within a label value", () => {
    const id = cycleId("a-very-long-replication-name-that-goes-on-and-on", new Date("2026-11-21T06:15:00Z"));
    expect(id).toMatch(/^a-very-long-replication-[0-9a-f]{6}-20261121061500$/);
    expect(cycleObjectName(id, "b", 15, 12).length).toBeLessThanOrEqual(63);
    expect(trimName("short", 10)).toBe("short");
    expect(replicationLabelValue("x".repeat(100)).length).toBe(63);
  });
});

describe("moverRepositoryAccess", () => {
  it.each([
    [{ filesystem: { path: "repo" } }, {}, "/base/repo", {}],
    [
      { filesystem: { path: "/abs" }, encryption: { keyEnv: "K" } },
      { K: "secret" },
      "/abs",
      { FERRY_REPOSITORY_KEY: "secret" },
    ],
    [
      {
        s3: {
          bucket: "ferry",
          prefix: "prod/",
          endpoint: "http://minio:9000",
          forcePathStyle: true,
          credentialsEnv: { accessKeyId: "A", secretAccessKey: "S" },
        },
      },
      { A: "id", S: "key" },
      "s3://ferry/prod/?endpoint=http%3A%2F%2Fminio%3A9000&forcePathStyle=true",
      { AWS_ACCESS_KEY_ID: "id", AWS_SECRET_ACCESS_KEY: "key" },
    ],
  ])("%j", (spec, env, location, secretEnv) => {
    expect(moverRepositoryAccess(spec, { env, baseDir: "/base" })).toEqual({ location, secretEnv });
  });

  it("names a missing variable and the field naming it, never a value", () => {
    expect(() =>
      moverRepositoryAccess(
        { filesystem: { path: "/r" }, encryption: { keyEnv: "MISSING" } },
        { env: {}, baseDir: "/" },
      ),
    ).toThrow("environment variable MISSING (named by spec.encryption.keyEnv) is not set or is empty");
  });
});

describe("RPO arithmetic", () => {
  const spec = (over: Partial<VolumeReplicationSpec>): VolumeReplicationSpec => ({
    source: { cluster: "east-1", volumeGroup: "pg" },
    target: { cluster: "west-1", volumeGroup: "pg" },
    pvcMap: {},
    ...over,
  });
  const every5 = replicationPolicy(spec({ schedule: "*/5 * * * *" }), new Map()).policy;
  if (every5 === undefined) throw new Error("no policy");

  it.each([
    ["never ran", undefined, "2026-11-21T06:01:00Z", true],
    ["ran before the last occurrence", "2026-11-21T05:59:00Z", "2026-11-21T06:01:00Z", true],
    ["ran after the last occurrence", "2026-11-21T06:00:30Z", "2026-11-21T06:04:59Z", false],
    ["the next occurrence came", "2026-11-21T06:00:30Z", "2026-11-21T06:05:00Z", true],
  ])("cron schedule: %s", (_, last, now, due) => {
    expect(
      cycleDue({
        policy: every5,
        name: "pg-dr",
        now: new Date(now),
        ...(last === undefined ? {} : { lastCycleStart: new Date(last) }),
      }),
    ).toBe(due);
  });

  it("measures one RPO interval and proposes a failover after the configured number of them", () => {
    const now = new Date("2026-11-21T06:02:00Z");
    expect(rpoIntervalMs(every5, now)).toBe(300_000);
    const since = new Date("2026-11-21T05:50:00Z");
    expect(failoverWarranted({ unreachableSince: since, now, rpoMs: 300_000 })).toBe(false);
    expect(
      failoverWarranted({ unreachableSince: since, now: new Date("2026-11-21T06:05:00Z"), rpoMs: 300_000 }),
    ).toBe(true);
    expect(failoverWarranted({ unreachableSince: since, now, rpoMs: 300_000, intervals: 2 })).toBe(true);
  });

  it("reads schedulePolicyName and reports a missing policy or bad cron", () => {
    const policy = compilePolicy({ interval: { intervalMinutes: 15 } });
    expect(policy.problems).toEqual([]);
    const named = replicationPolicy(
      spec({ schedulePolicyName: "quarter" }),
      new Map([
        [
          "quarter",
          {
            apiVersion: "ferry.dev/v1alpha1",
            kind: "SchedulePolicy",
            metadata: { name: "quarter" },
            policy: { interval: { intervalMinutes: 15 } },
          },
        ],
      ]),
    );
    expect(named.policy === undefined ? undefined : rpoIntervalMs(named.policy, new Date())).toBe(900_000);
    expect(replicationPolicy(spec({ schedulePolicyName: "gone" }), new Map()).problem).toBe(
      "SchedulePolicy gone does not exist",
    );
    expect(replicationPolicy(spec({ schedule: "every minute" }), new Map()).problem).toMatch(
      /^spec.schedule: /,
    );
  });
});

describe("roleSwapOf", () => {
  const spec = (source: string, target: string): VolumeReplicationSpec => ({
    source: { cluster: source, volumeGroup: "pg" },
    target: { cluster: target, volumeGroup: "pg" },
    pvcMap: {},
  });
  it.each([
    ["east-1", "west-1", undefined],
    ["west-1", "east-1", "swap"],
    ["east-1", "west-2", "other"],
  ])("recorded east-1 → west-1, manifest %s → %s: %s", (source, target, verdict) => {
    expect(
      roleSwapOf(
        { phase: "Idle", role: { source: "east-1", target: "west-1" }, conditions: [] },
        spec(source, target),
      ),
    ).toBe(verdict);
  });
});
