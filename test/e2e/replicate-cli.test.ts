/**
 * `ferry replicate -f FILE` against local clusters: the real CLI runs a cycle (real mover
 * Jobs), keeps its status in a file, and the next run, with nothing due, does nothing.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFerry, type FerryRun } from "../helpers/ferry-cli.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";

const CLUSTERS = `apiVersion: ferry.dev/v1alpha1
kind: Fleet
metadata: {name: prod}
spec: {clusters: [east-1, west-1]}
---
apiVersion: ferry.dev/v1alpha1
kind: Cluster
metadata: {name: east-1}
spec: {fleet: prod, connection: {local: {name: east-1}}}
---
apiVersion: ferry.dev/v1alpha1
kind: Cluster
metadata: {name: west-1}
spec: {fleet: prod, connection: {local: {name: west-1}}}
---
apiVersion: ferry.dev/v1alpha1
kind: ReplicationRepository
metadata: {name: default}
spec: {filesystem: {path: REPO}}
`;
const VOLUMES = `apiVersion: ferry.dev/v1alpha1
kind: VolumeGroup
metadata: {name: pg, namespace: shop}
spec: {pvcs: [data-pg-0]}
---
apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata: {name: pg-dr, namespace: shop}
spec:
  source: {cluster: east-1, volumeGroup: pg}
  target: {cluster: west-1, volumeGroup: pg}
  pvcMap: {data-pg-0: data-pg-0}
  schedule: "0 0 1 1 *"
`;

describe("ferry replicate", () => {
  let env: MigrationEnv;
  const ferry = (args: string[]): Promise<FerryRun> => runFerry(args, { timeoutMs: 120_000 });
  const dataDir = (cluster: string): Promise<string> => env.claimDir(cluster, "shop", "data-pg-0");

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", "west-1"]);
    for (const c of ["east-1", "west-1"]) await env.kubectl(c, ["create", "namespace", "shop"]);
    await env.kubectl(
      "east-1",
      ["apply", "-f", "-"],
      "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data-pg-0, namespace: shop}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
    );
    await env.kubectl("east-1", [
      "wait",
      "-n",
      "shop",
      "--for=jsonpath={.status.phase}=Bound",
      "pvc/data-pg-0",
    ]);
    await writeFile(join(await dataDir("east-1"), "orders.csv"), "id,total\n1,42\n");
    await mkdir(join(env.dir, "desired", "clusters"), { recursive: true });
    await mkdir(join(env.dir, "desired", "environments", "prod"), { recursive: true });
    await writeFile(
      join(env.dir, "desired", "clusters", "prod.yaml"),
      CLUSTERS.replace("REPO", join(env.dir, "repo")),
    );
    await writeFile(join(env.dir, "desired", "environments", "prod", "pg.yaml"), VOLUMES);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  it("runs a forced cycle, keeps the status, and does nothing when no cycle is due", async () => {
    const common = [
      "replicate",
      "-f",
      join(env.dir, "desired", "environments", "prod", "pg.yaml"),
      "--repo-dir",
      join(env.dir, "desired"),
      "--local-dir",
      join(env.dir, "local"),
      "--status-dir",
      join(env.dir, "status"),
    ];
    const first = await ferry([...common, "--force"]);
    expect(first.stderr).toContain("Transfer");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^volumereplication shop\/pg-dr: Idle \(east-1 → west-1\)\n {2}last cycle pg-dr-\d{14}: Succeeded/,
    );
    // The cycle ended with a forget of older mover snapshots (none yet: the default keeps 7).
    expect(first.stdout).toMatch(/ read, 0 older snapshots forgotten\n/);
    expect(await readFile(join(await dataDir("west-1"), "orders.csv"), "utf8")).toBe("id,total\n1,42\n");
    const statusFile = await readFile(join(env.dir, "status", "volumes", "shop.pg-dr.yaml"), "utf8");
    expect(statusFile).toContain("kind: VolumeReplication");
    expect(statusFile).toContain("lastConsistent:");

    const second = await ferry(common);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain("Transfer");
    expect(second.stdout).toContain("Idle");
  }, 120_000);
});
