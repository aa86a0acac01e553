/**
 * `ferry migrate` as a user runs it, with `includeVolumes` (the default): the CLI wires the
 * volume mover, so the claim's files arrive on the target, byte-identical.
 */
import { randomBytes } from "node:crypto";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFerry } from "../helpers/ferry-cli.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { treeDifferences, treeDigest } from "../helpers/tree-digest.js";

const APP = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: stock, namespace: inventory, labels: {app: inventory}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
const REPO = `apiVersion: ferry.dev/v1alpha1
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
spec: {filesystem: {path: .ferry/repository}}
`;
const MIGRATION = `apiVersion: ferry.dev/v1alpha1
kind: Migration
metadata: {name: inventory-west}
spec:
  fleet: prod
  source: {cluster: east-1}
  targets: [{cluster: west-1}]
  namespaces: [inventory]
  startApplications: false
  repository: default
  prechecks: {remediation: manual}
`;

describe("ferry migrate moves volume data", { timeout: 180_000 }, () => {
  let env: MigrationEnv;
  const dirOf = (cluster: string): Promise<string> => env.claimDir(cluster, "inventory", "stock");

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", "west-1"]);
    await env.kubectl("east-1", ["create", "namespace", "inventory"]);
    await env.kubectl("east-1", ["apply", "-f", "-"], APP);
    await env.kubectl("east-1", [
      "wait",
      "-n",
      "inventory",
      "--for=jsonpath={.status.phase}=Bound",
      "pvc/stock",
    ]);
    const data = await dirOf("east-1");
    await mkdir(join(data, "items"));
    for (let i = 0; i < 4; i++) await writeFile(join(data, "items", `i${i}.bin`), randomBytes(96 * 1024));
    await symlink("items/i0.bin", join(data, "current"));
    await mkdir(join(env.dir, "clusters"));
    await mkdir(join(env.dir, "environments"));
    await writeFile(join(env.dir, "clusters", "prod.yaml"), REPO);
    await writeFile(join(env.dir, "environments", "inventory.yaml"), MIGRATION);
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it("completes with the claim's files identical on the target", async () => {
    const run = await runFerry(
      ["migrate", "-f", "environments/inventory.yaml", "--local-dir", join(env.dir, "local")],
      { cwd: env.dir },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/migration inventory-west: Completed/);
    const expected = await treeDigest(await dirOf("east-1"));
    expect(expected.length).toBe(6);
    expect(treeDifferences(expected, await treeDigest(await dirOf("west-1")))).toEqual([]);
  });
});
