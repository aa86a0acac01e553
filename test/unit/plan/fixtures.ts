import type { Manifest } from "../../../src/manifests/types.js";
import type { PlanState } from "../../../src/plan/types.js";

const api = "ferry.dev/v1alpha1" as const;

/** A small valid desired state: fleet prod of three clusters, a policy, a migration, a schedule, a volume pair. */
export function baseManifests(): Manifest[] {
  return [
    {
      apiVersion: api,
      kind: "Fleet",
      metadata: { name: "prod" },
      spec: { clusters: ["east-1", "west-1", "west-2"] },
    },
    ...["east-1", "west-1", "west-2"].map((name): Manifest => ({
      apiVersion: api,
      kind: "Cluster",
      metadata: { name, labels: { region: name.startsWith("east") ? "us-east" : "us-west" } },
      spec: { fleet: "prod", connection: { local: { name } } },
    })),
    {
      apiVersion: api,
      kind: "ReplicationRepository",
      metadata: { name: "default" },
      spec: { filesystem: { path: "/var/lib/ferry/repo" }, encryption: { keyEnv: "FERRY_REPOSITORY_KEY" } },
    },
    {
      apiVersion: api,
      kind: "SchedulePolicy",
      metadata: { name: "testpolicy" },
      policy: {
        interval: { intervalMinutes: 1 },
        daily: { time: "10:14PM" },
        weekly: { day: "Thursday", time: "10:13PM" },
        monthly: { date: 14, time: "8:05PM" },
      },
    },
    {
      apiVersion: api,
      kind: "SchedulePolicy",
      metadata: { name: "nightly" },
      policy: { daily: { time: "11:00PM" } },
    },
    {
      apiVersion: api,
      kind: "Migration",
      metadata: { name: "shop-to-west", namespace: "shop" },
      spec: {
        fleet: "prod",
        source: { cluster: "east-1" },
        targets: [{ cluster: "west-1" }],
        namespaces: ["shop"],
        repository: "default",
      },
    },
    {
      apiVersion: api,
      kind: "MigrationSchedule",
      metadata: { name: "shop-dr", namespace: "shop" },
      spec: {
        schedulePolicyName: "testpolicy",
        template: {
          spec: {
            fleet: "prod",
            source: { cluster: "east-1" },
            targets: [{ cluster: "west-1" }],
            namespaces: ["shop"],
            repository: "default",
            includeVolumes: false,
          },
        },
      },
    },
    {
      apiVersion: api,
      kind: "VolumeGroup",
      metadata: { name: "pg", namespace: "shop" },
      spec: { pvcs: ["data-pg-0", "wal-pg-0"] },
    },
    {
      apiVersion: api,
      kind: "VolumeReplication",
      metadata: { name: "pg-dr", namespace: "shop" },
      spec: {
        source: { cluster: "east-1", volumeGroup: "pg" },
        target: { cluster: "west-1", volumeGroup: "pg" },
        pvcMap: { "data-pg-0": "data-pg-0", "wal-pg-0": "wal-pg-0" },
        schedule: "*/5 * * * *",
      },
    },
  ];
}

export function state(manifests: readonly Manifest[]): PlanState {
  return {
    objects: manifests.map((manifest, i) => ({
      manifest,
      location: { file: `m${i}.yaml`, line: 1, column: 1 },
    })),
  };
}

/** A copy of `manifests` with the object of `kind`/`name` replaced by `edit(copy)` (or removed when it returns undefined). */
export function edit(
  manifests: readonly Manifest[],
  kind: Manifest["kind"],
  name: string,
  change: (m: Manifest) => unknown,
): Manifest[] {
  return manifests.flatMap((m) => {
    if (m.kind !== kind || m.metadata.name !== name) return [m];
    const next = change(structuredClone(m));
    return next === undefined ? [] : [next as Manifest];
  });
}
