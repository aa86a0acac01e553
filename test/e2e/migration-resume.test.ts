import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { runMigration } from "../../src/engine/run/index.js";
import type { MigrationEvent } from "../../src/engine/status/events.js";
import type { MigrationSpec } from "../../src/manifests/types.js";
import type { Repository } from "../../src/repository/repository.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { SOURCE_STORAGE_CLASS, WIDGET_CRD, shopApp, shopMigration } from "./migration-fixture.js";

/** Without controllers: no StatefulSet claims on the source, 17 objects per target. */
const TYPES = "deploy,sts,svc,cm,secret,sa,role,rolebinding,pvc,ingress,widgets";

/** Interrupted and failing restores, then the run that completes them. */
describe("a restore killed half-way, and one with failing writes", () => {
  let env: MigrationEnv;
  let repo: Repository;
  const run = (spec: MigrationSpec, signal?: AbortSignal, onEvent?: (e: MigrationEvent) => void) =>
    runMigration({
      migration: { metadata: { name: "shop-resume" }, spec },
      clusters: env.clients,
      repository: repo,
      clock: systemClock,
      ...(signal === undefined ? {} : { signal }),
      ...(onEvent === undefined ? {} : { onEvent }),
      concurrency: { write: 2 },
    });

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", "west-1", "west-2"], { controllers: false });
    await env.kubectl("east-1", ["apply", "-f", "-"], SOURCE_STORAGE_CLASS + "---\n" + WIDGET_CRD);
    await env.kubectl("east-1", ["apply", "-f", "-"], shopApp());
    repo = await env.openRepository({ filesystem: { path: "repo" } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it("an aborted run stops mid-restore; the next completes it with no duplicates", async () => {
    const spec = shopMigration({ targets: [{ cluster: "west-1" }], namespaceMapping: { shop: "shop-a" } });
    const controller = new AbortController();
    let written = 0;
    const killed = await run(spec, controller.signal, (e) => {
      if (e.type === "RestoreObjectResult" && e.outcome === "created" && ++written === 6) controller.abort();
    });
    expect(killed.status.phase).toBe("Failed");
    const partial = killed.status.targetClusterStatus[0]?.restore;
    expect(partial?.phase).toBe("Failed");
    expect(partial?.error).toMatch(/aborted/);
    const createdBefore = partial?.counts.created ?? 0;
    expect(createdBefore).toBeGreaterThanOrEqual(6);
    expect(createdBefore).toBeLessThan(15);

    const resumed = await run(spec);
    expect(resumed.status.phase).toBe("Completed");
    const counts = resumed.status.targetClusterStatus[0]?.restore?.counts;
    expect(counts?.failed).toBe(0);
    expect(counts?.unchanged).toBe(createdBefore);
    expect((counts?.created ?? 0) + createdBefore).toBe(17);
    const items = await env.getJson("west-1", ["-n", "shop-a", TYPES]);
    // Only Ferry's: the target's own `default` service account lives there too.
    const keys = items
      .filter((o) => o.metadata.labels?.["ferry.dev/managed-by"] === "ferry")
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Without controllers the source has no StatefulSet claims: 15 namespaced objects, plus
    // the namespace and the CRD (cluster-scoped, not in this listing).
    expect(keys).toHaveLength(15);

    const again = await run(spec);
    expect(again.status.targetClusterStatus[0]?.restore?.counts).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 17,
    });
  });

  it("failed writes are reported per object (PartiallyFailed), and the next run fixes them", async () => {
    const spec = shopMigration({ namespaceMapping: { shop: "shop-b" } });
    env.local.clusters.get("west-2")?.faults.failNext({
      verb: "create",
      resource: "configmaps",
      code: 500,
      count: 2,
      message: "disk full",
    });
    const broken = await run(spec);
    expect(broken.status.phase).toBe("PartiallyFailed");
    const west1 = broken.status.targetClusterStatus.find((t) => t.cluster === "west-1")?.restore;
    const west2 = broken.status.targetClusterStatus.find((t) => t.cluster === "west-2")?.restore;
    expect(west1?.phase).toBe("Completed");
    expect(west2?.phase).toBe("PartiallyFailed");
    expect(west2?.counts.failed).toBe(2);
    expect(west2?.errors.map((e) => e.object).sort()).toEqual([
      "ConfigMap shop-b/feature-flags",
      "ConfigMap shop-b/settings",
    ]);
    expect(west2?.errors[0]?.reason).toMatch(/disk full/);

    const fixed = await run(spec);
    expect(fixed.status.phase).toBe("Completed");
    const counts = fixed.status.targetClusterStatus.find((t) => t.cluster === "west-2")?.restore?.counts;
    expect(counts).toMatchObject({ created: 2, unchanged: 15, failed: 0 });
  });

  it("an object changed on the target is put back, and a source change is carried", async () => {
    const spec = shopMigration({ targets: [{ cluster: "west-1" }], namespaceMapping: { shop: "shop-a" } });
    await env.kubectl("west-1", [
      "-n",
      "shop-a",
      "patch",
      "configmap",
      "settings",
      "--type=merge",
      "-p",
      '{"data":{"color":"green"}}',
    ]);
    await env.kubectl("east-1", [
      "-n",
      "shop",
      "patch",
      "configmap",
      "feature-flags",
      "--type=merge",
      "-p",
      '{"data":{"search":"on"}}',
    ]);
    const result = await run(spec);
    const restore = result.status.targetClusterStatus[0]?.restore;
    expect(restore?.counts).toMatchObject({ updated: 2, failed: 0 });
    const [settings] = await env.getJson("west-1", ["-n", "shop-a", "configmap", "settings"]);
    expect(settings?.["data"]).toEqual({ color: "blue", currency: "EUR" });
    const [flags] = await env.getJson("west-1", ["-n", "shop-a", "configmap", "feature-flags"]);
    expect(flags?.["data"]).toEqual({ "checkout-v2": "true", search: "on" });
  });
});
