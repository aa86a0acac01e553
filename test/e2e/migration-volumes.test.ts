/**
 * Migration `includeVolumes: true` on local clusters: the engine moves the claims, and the
 * volume data mover (src/volumes) moves their data with real mover Jobs, before workloads
 * start on the target.
 */
import { randomBytes } from "node:crypto";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { runMigration, type MigrationRunResult } from "../../src/engine/run/index.js";
import { createVolumeDataMover, moverRepositoryAccess } from "../../src/volumes/index.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { treeDifferences, treeDigest } from "../helpers/tree-digest.js";

const APP = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: stock, namespace: inventory, labels: {app: inventory}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: inventory, namespace: inventory, labels: {app: inventory}}
spec:
  replicas: 2
  selector: {matchLabels: {app: inventory}}
  template:
    metadata: {labels: {app: inventory}}
    spec:
      containers: [{name: app, image: inventory:1}]
      volumes: [{name: stock, persistentVolumeClaim: {claimName: stock}}]
`;

describe("Migration with includeVolumes moves the claims' data with the mover", () => {
  let env: MigrationEnv;
  let result: MigrationRunResult;
  const dirOf = (cluster: string, namespace: string): Promise<string> =>
    env.claimDir(cluster, namespace, "stock");

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
    const data = await dirOf("east-1", "inventory");
    await mkdir(join(data, "items", "empty"), { recursive: true });
    await writeFile(join(data, "items", "catalogue.bin"), randomBytes(700 * 1024));
    await symlink("items/catalogue.bin", join(data, "current"));
    const repository = await env.openRepository({ filesystem: { path: "repo" } });
    result = await runMigration({
      migration: {
        metadata: { name: "inventory-west" },
        spec: {
          fleet: "prod",
          source: { cluster: "east-1" },
          targets: [{ cluster: "west-1" }],
          namespaces: ["inventory"],
          includeResources: true,
          includeVolumes: true,
          startApplications: false,
          namespaceMapping: { inventory: "inventory-dr" },
          repository: "default",
          prechecks: { remediation: "auto" },
        },
      },
      clusters: env.clients,
      repository,
      clock: systemClock,
      volumeMover: createVolumeDataMover({
        repository: moverRepositoryAccess({ filesystem: { path: "repo" } }, { env: {}, baseDir: env.dir }),
        clock: systemClock,
        options: { pollMs: 50 },
      }),
    });
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it("completes, with the claim's data identical on the target and no temporary objects left", async () => {
    const volumes = result.status.conditions?.find((c) => c.type === "VolumesReplicated");
    expect(volumes, JSON.stringify(result.status, null, 1)).toMatchObject({
      status: "True",
      reason: "VolumesRestored",
    });
    const expected = await treeDigest(await dirOf("east-1", "inventory"));
    expect(expected.length).toBe(4);
    expect(treeDifferences(expected, await treeDigest(await dirOf("west-1", "inventory-dr")))).toEqual([]);
    expect(await env.getJson("east-1", ["volumesnapshots", "-n", "inventory"])).toEqual([]);
    expect((await env.getJson("east-1", ["pvc", "-n", "inventory"])).map((p) => p.metadata.name)).toEqual([
      "stock",
    ]);
    expect(await env.getJson("west-1", ["jobs", "-n", "inventory-dr"])).toEqual([]);
  });
});
