import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { runMigration, type MigrationRunResult } from "../../src/engine/run/index.js";
import type { KubeObject } from "../../src/engine/kube-object.js";
import type { Repository } from "../../src/repository/repository.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { SOURCE_STORAGE_CLASS, WIDGET_CRD, shopApp, shopMigration } from "./migration-fixture.js";

const TARGETS = ["west-1", "west-2"] as const;
/**
 * Objects Ferry writes per target: the namespace, 15 objects of the fixture, the two claims
 * the source's StatefulSet controller made (data-db-0, data-db-1), and the CRD.
 */
const EXPECTED_OBJECTS = 19;

describe("migrating a namespace from east-1 to west-1 and west-2 (filesystem repository)", () => {
  let env: MigrationEnv;
  let repo: Repository;
  let first: MigrationRunResult;

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", ...TARGETS]);
    await env.kubectl("east-1", ["apply", "-f", "-"], SOURCE_STORAGE_CLASS + "---\n" + WIDGET_CRD);
    await env.kubectl("east-1", ["wait", "--for=condition=Established", "crd/widgets.example.com"]);
    await env.kubectl("east-1", ["apply", "-f", "-"], shopApp());
    repo = await env.openRepository({ filesystem: { path: "repo" } });
    first = await runMigration({
      migration: { metadata: { name: "shop-to-west" }, spec: shopMigration() },
      clusters: env.clients,
      repository: repo,
      clock: systemClock,
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it("completes with every object created on both targets", () => {
    expect(first.status.message).toBeDefined();
    expect(first.status.phase, JSON.stringify(first.status, null, 1)).toBe("Completed");
    for (const t of first.status.targetClusterStatus) {
      expect(t.restore?.counts).toEqual({
        created: EXPECTED_OBJECTS,
        updated: 0,
        unchanged: 0,
        skipped: 0,
        failed: 0,
      });
    }
    expect(first.status.sourceClusterStatus?.backup).toMatchObject({
      phase: "Completed",
      objects: EXPECTED_OBJECTS,
    });
    expect(first.status.conditions.find((c) => c.type === "VolumesReplicated")).toMatchObject({
      status: "False",
      reason: "NoVolumeDataMover",
    });
  });

  it.each(TARGETS)(
    "%s holds every object, mapped, stopped and stamped (checked with kubectl)",
    async (target) => {
      const all = await env.getJson(target, [
        "-n",
        "shop-dr",
        "deploy,sts,svc,cm,secret,sa,role,rolebinding,pvc,ingress,widgets",
      ]);
      const byKey = new Map(all.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
      for (const key of [
        "Deployment/web",
        "StatefulSet/db",
        "Service/web",
        "Service/db",
        "ConfigMap/settings",
        "ConfigMap/feature-flags",
        "Secret/db-credentials",
        "Secret/api-token",
        "ServiceAccount/shop-app",
        "Role/config-reader",
        "RoleBinding/shop-app-reads-config",
        "PersistentVolumeClaim/uploads",
        "PersistentVolumeClaim/data-db-0",
        "PersistentVolumeClaim/data-db-1",
        "Ingress/web",
        "Widget/blue-widget",
        "Widget/red-widget",
      ]) {
        const obj = byKey.get(key);
        expect(obj, key).toBeDefined();
        expect(obj?.metadata.labels).toMatchObject({
          "ferry.dev/managed-by": "ferry",
          "ferry.dev/migration": "shop-to-west",
          "ferry.dev/source-cluster": "east-1",
        });
        expect(obj?.metadata.annotations).toMatchObject({
          "ferry.dev/source-namespace": "shop",
          "ferry.dev/backup": first.backup?.name,
        });
      }
      const spec = (key: string): Record<string, unknown> =>
        byKey.get(key)?.["spec"] as Record<string, unknown>;
      expect(spec("Deployment/web")["replicas"]).toBe(0);
      expect(byKey.get("Deployment/web")?.metadata.annotations?.["ferry.dev/replicas"]).toBe("3");
      expect(spec("StatefulSet/db")["replicas"]).toBe(0);
      expect(byKey.get("StatefulSet/db")?.metadata.annotations?.["ferry.dev/replicas"]).toBe("2");
      expect(spec("PersistentVolumeClaim/uploads")["storageClassName"]).toBe("standard");
      expect(spec("PersistentVolumeClaim/data-db-1")["storageClassName"]).toBe("standard");
      const templates = spec("StatefulSet/db")["volumeClaimTemplates"] as {
        spec: { storageClassName: string };
      }[];
      expect(templates[0]?.spec.storageClassName).toBe("standard");
      expect(spec("Service/db")["clusterIP"]).toBe("None");
      const binding = byKey.get("RoleBinding/shop-app-reads-config") as KubeObject & {
        subjects: { namespace: string }[];
      };
      expect(binding.subjects[0]?.namespace).toBe("shop-dr");
      expect(spec("Widget/red-widget")).toEqual({ size: 5, color: "red" });
      const secret = byKey.get("Secret/db-credentials") as KubeObject & { data: Record<string, string> };
      expect(Buffer.from(secret.data["password"] ?? "", "base64").toString()).toBe("s3cr3t");
      const [crd] = await env.getJson(target, ["crd", "widgets.example.com"]);
      expect(crd?.metadata.labels?.["ferry.dev/managed-by"]).toBe("ferry");
      const [ns] = await env.getJson(target, ["namespace", "shop-dr"]);
      expect(ns?.metadata.labels).toMatchObject({ team: "shop", "ferry.dev/managed-by": "ferry" });
      // Nothing landed in an unmapped namespace.
      expect(await env.kubectl(target, ["get", "namespace", "shop", "--ignore-not-found"])).toBe("");
    },
  );

  it("a second run changes nothing: counts all unchanged, resourceVersions the same", async () => {
    const versions = async (target: string): Promise<Map<string, string>> => {
      const items = await env.getJson(target, [
        "-n",
        "shop-dr",
        "deploy,sts,svc,cm,secret,sa,role,rolebinding,pvc,ingress,widgets",
      ]);
      return new Map(
        items.map((o) => [`${o.kind}/${o.metadata.name}`, String(o.metadata["resourceVersion"])]),
      );
    };
    const before = await Promise.all(TARGETS.map(versions));
    const second = await runMigration({
      migration: { metadata: { name: "shop-to-west" }, spec: shopMigration() },
      clusters: env.clients,
      repository: repo,
      clock: systemClock,
    });
    expect(second.status.phase).toBe("Completed");
    for (const t of second.status.targetClusterStatus) {
      expect(t.restore?.counts, JSON.stringify(t.restore?.errors)).toEqual({
        created: 0,
        updated: 0,
        unchanged: EXPECTED_OBJECTS,
        skipped: 0,
        failed: 0,
      });
    }
    const after = await Promise.all(TARGETS.map(versions));
    expect(after).toEqual(before);
  });

  it("a source claim that grew: manual stops on pvc-size; auto grows the targets' claims live, then restores", async () => {
    await env.kubectl("east-1", [
      "-n",
      "shop",
      "patch",
      "pvc",
      "uploads",
      "--type=merge",
      "-p",
      '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}',
    ]);
    const migration = { metadata: { name: "shop-to-west" }, spec: shopMigration() };
    const manual = await runMigration({
      migration,
      clusters: env.clients,
      repository: repo,
      clock: systemClock,
    });
    expect(manual.status.phase).toBe("PrecheckFailed");
    const sizes = manual.status.prechecks?.results.filter(
      (r) => r.check === "pvc-size" && r.verdict === "actionable",
    );
    expect(sizes?.map((r) => r.target).sort()).toEqual(["west-1", "west-2"]);

    const auto = await runMigration({
      migration: { ...migration, spec: shopMigration({ prechecks: { remediation: "auto" } }) },
      clusters: env.clients,
      repository: repo,
      clock: systemClock,
    });
    expect([...auto.fixesApplied].sort()).toEqual([
      "grew PersistentVolumeClaim shop-dr/uploads on west-1 to 2Gi",
      "grew PersistentVolumeClaim shop-dr/uploads on west-2 to 2Gi",
    ]);
    expect(auto.status.phase, JSON.stringify(auto.status.targetClusterStatus)).toBe("Completed");
    for (const target of TARGETS) {
      const [pvc] = await env.getJson(target, ["-n", "shop-dr", "pvc", "uploads"]);
      const spec = pvc?.["spec"] as { resources: { requests: { storage: string } } };
      expect(spec.resources.requests.storage).toBe("2Gi");
    }
  });
});
