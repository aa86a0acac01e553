import { describe, expect, it } from "vitest";
import type { Manifest } from "../../../src/manifests/types.js";
import { diffDesiredStates, formatPath } from "../../../src/plan/diff.js";
import { redactField, REDACTED } from "../../../src/plan/redact.js";
import { baseManifests, edit, state } from "./fixtures.js";

describe("diffDesiredStates", () => {
  const base = baseManifests();

  it("finds nothing between equal states, whatever the file order", () => {
    const diff = diffDesiredStates(state(base), state([...base].reverse()));
    expect(diff.objects).toEqual([]);
    expect(diff.unchanged).toBe(base.length);
  });

  it("reports added, changed and removed objects in kind order with field changes", () => {
    const head: Manifest[] = [
      ...edit(
        edit(base, "Migration", "shop-to-west", (m) => {
          (m as unknown as { spec: { targets: { cluster: string }[] } }).spec.targets.push({
            cluster: "west-2",
          });
          return m;
        }),
        "VolumeReplication",
        "pg-dr",
        () => undefined,
      ),
      {
        apiVersion: "ferry.dev/v1alpha1",
        kind: "SchedulePolicy",
        metadata: { name: "weekly" },
        policy: { weekly: { day: "Sun", time: "1:00AM" } },
      },
    ];
    const diff = diffDesiredStates(state(base), state(head));
    expect(diff.objects.map((o) => [o.change, o.key.kind, o.key.name])).toEqual([
      ["added", "SchedulePolicy", "weekly"],
      ["changed", "Migration", "shop-to-west"],
      ["removed", "VolumeReplication", "pg-dr"],
    ]);
    expect(diff.objects[1]?.fields).toEqual([{ path: ["spec", "targets", 1], after: { cluster: "west-2" } }]);
    expect(diff.objects[2]?.location?.file).toBe("m10.yaml");
    expect(diff.unchanged).toBe(base.length - 2);
  });

  const DELETE = Symbol("delete");
  it.each([
    [
      "a replaced scalar",
      "MigrationSchedule",
      "shop-dr",
      ["spec", "schedulePolicyName"],
      "nightly",
      [{ path: ["spec", "schedulePolicyName"], before: "testpolicy", after: "nightly" }],
    ],
    [
      "an added field",
      "MigrationSchedule",
      "shop-dr",
      ["spec", "suspend"],
      true,
      [{ path: ["spec", "suspend"], after: true }],
    ],
    [
      "a removed field",
      "ReplicationRepository",
      "default",
      ["spec", "encryption"],
      DELETE,
      [{ path: ["spec", "encryption"], before: { keyEnv: "FERRY_REPOSITORY_KEY" } }],
    ],
    [
      "a label key that is not an identifier",
      "Cluster",
      "east-1",
      ["metadata", "labels", "topology.kubernetes.io/zone"],
      "a",
      [{ path: ["metadata", "labels", "topology.kubernetes.io/zone"], after: "a" }],
    ],
  ] as const)("field change: %s", (_label, kind, name, path, value, expected) => {
    const head = edit(base, kind, name, (m) => {
      let node = m as unknown as Record<string, unknown>;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      const last = path[path.length - 1] ?? "";
      if (value === DELETE) delete node[last];
      else node[last] = value;
      return m;
    });
    const [only] = diffDesiredStates(state(base), state(head)).objects;
    expect(only?.fields).toEqual(expected);
  });

  it("tells objects of the same name apart by namespace", () => {
    const other = structuredClone(base.find((m) => m.kind === "VolumeGroup")!) as Manifest & {
      metadata: { namespace: string };
    };
    other.metadata.namespace = "billing";
    const diff = diffDesiredStates(state(base), state([...base, other]));
    expect(diff.objects.map((o) => o.key)).toEqual([
      { kind: "VolumeGroup", name: "pg", namespace: "billing" },
    ]);
  });
});

describe("formatPath", () => {
  it.each([
    [["spec", "targets", 1, "cluster"], "spec.targets[1].cluster"],
    [["metadata", "labels", "app.kubernetes.io/name"], 'metadata.labels["app.kubernetes.io/name"]'],
    [["spec", "pvcMap", "data-pg-0"], 'spec.pvcMap["data-pg-0"]'],
    [[], ""],
  ] as const)("%j → %s", (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe("redactField", () => {
  it.each([
    [["spec", "s3", "credentialsEnv", "secretAccessKey"], "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"],
    [["spec", "encryption", "keyEnv"], "FERRY_REPOSITORY_KEY", "FERRY_REPOSITORY_KEY"],
    [["metadata", "annotations", "password"], "hunter2", REDACTED],
    [["metadata", "annotations", "api-key"], "abc", REDACTED],
    [["spec", "s3", "endpoint"], "http://user:pa55@minio:9000", "http://[REDACTED]@minio:9000"],
    [["metadata", "annotations", "note"], "token ghp_abcdefghijklmnopqrstuvwxyz0123", "token [REDACTED]"],
    [["metadata", "annotations"], { token: "x", keep: "y" }, { token: REDACTED, keep: "y" }],
    [["spec", "targets", 0], { cluster: "west-1" }, { cluster: "west-1" }],
  ] as const)("%j", (path, value, shown) => {
    expect(redactField(path, value)).toEqual(shown);
  });
});
