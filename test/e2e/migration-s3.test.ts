import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { runMigration } from "../../src/engine/run/index.js";
import type { Repository } from "../../src/repository/repository.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "../helpers/s3rver.js";
import { SOURCE_STORAGE_CLASS, WIDGET_CRD, shopApp, shopMigration } from "./migration-fixture.js";

const TYPES = "deploy,sts,svc,cm,secret,sa,role,rolebinding,pvc,ingress,widgets";

/** The same migration through an encrypted S3 repository on s3rver. */
describe("migrating through an S3 replication repository (s3rver)", () => {
  let env: MigrationEnv;
  let s3: RunningS3rver;
  let repo: Repository;
  const migration = { metadata: { name: "shop-s3" }, spec: shopMigration() };

  beforeAll(async () => {
    [env, s3] = await Promise.all([
      startMigrationEnv(["east-1", "west-1", "west-2"], { controllers: false }),
      startS3rver(["ferry"]),
    ]);
    await env.kubectl("east-1", ["apply", "-f", "-"], SOURCE_STORAGE_CLASS + "---\n" + WIDGET_CRD);
    await env.kubectl("east-1", ["apply", "-f", "-"], shopApp());
    repo = await env.openRepository(
      {
        s3: {
          bucket: "ferry",
          prefix: "prod/",
          endpoint: s3.endpoint,
          forcePathStyle: true,
          credentialsEnv: { accessKeyId: "S3_KEY", secretAccessKey: "S3_SECRET" },
        },
        encryption: { keyEnv: "FERRY_REPOSITORY_KEY" },
      },
      {
        S3_KEY: S3RVER_CREDENTIALS.accessKeyId,
        S3_SECRET: S3RVER_CREDENTIALS.secretAccessKey,
        FERRY_REPOSITORY_KEY: "correct horse battery staple",
      },
    );
  });
  afterAll(async () => {
    await env?.close();
    await s3?.stop();
  });

  it("a run killed half-way, then completed, then a no-op; kubectl sees every object once", async () => {
    const controller = new AbortController();
    let written = 0;
    const killed = await runMigration({
      migration,
      clusters: env.clients,
      repository: repo,
      clock: systemClock,
      signal: controller.signal,
      concurrency: { write: 2 },
      onEvent: (e) => {
        if (e.type === "RestoreObjectResult" && e.cluster === "west-2" && ++written === 5) controller.abort();
      },
    });
    expect(["Failed", "PartiallyFailed"]).toContain(killed.status.phase);
    expect(killed.status.sourceClusterStatus?.backup?.phase).toBe("Completed");

    const done = await runMigration({
      migration,
      clusters: env.clients,
      repository: repo,
      clock: systemClock,
    });
    expect(done.status.phase).toBe("Completed");
    expect(await repo.backups.listBackups()).toHaveLength(2);
    for (const target of ["west-1", "west-2"]) {
      const items = await env.getJson(target, ["-n", "shop-dr", TYPES]);
      const ours = items.filter((o) => o.metadata.labels?.["ferry.dev/managed-by"] === "ferry");
      const keys = ours.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(new Set(keys).size).toBe(15);
      expect(keys).toHaveLength(15);
      const web = ours.find((o) => o.kind === "Deployment");
      expect((web?.["spec"] as { replicas: number }).replicas).toBe(0);
      expect(web?.metadata.annotations?.["ferry.dev/replicas"]).toBe("3");
      const pvc = ours.find((o) => o.metadata.name === "uploads");
      expect((pvc?.["spec"] as { storageClassName: string }).storageClassName).toBe("standard");
    }

    const again = await runMigration({
      migration,
      clusters: env.clients,
      repository: repo,
      clock: systemClock,
    });
    for (const t of again.status.targetClusterStatus)
      expect(t.restore?.counts).toEqual({ created: 0, updated: 0, unchanged: 17, skipped: 0, failed: 0 });
  });
});
