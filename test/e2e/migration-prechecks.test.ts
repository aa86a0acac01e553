import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { runMigration, type MigrationRunResult } from "../../src/engine/run/index.js";
import type { MigrationSpec, RemediationMode } from "../../src/manifests/types.js";
import type { Repository } from "../../src/repository/repository.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";
import { SOURCE_STORAGE_CLASS, WIDGET_CRD, shopApp, shopMigration } from "./migration-fixture.js";

/** Each pre-check outcome from a real situation on local clusters, under each remediation mode. */
describe("pre-checks and remediation modes", () => {
  let env: MigrationEnv;
  let repo: Repository;
  const migrate = (name: string, spec: MigrationSpec): Promise<MigrationRunResult> =>
    runMigration({
      migration: { metadata: { name }, spec },
      clusters: env.clients,
      repository: repo,
      clock: systemClock,
      location: { file: `environments/prod/${name}.yaml`, specPath: ["spec"] },
    });
  const oneTarget = (namespace: string, remediation: RemediationMode, extra: Partial<MigrationSpec> = {}) =>
    shopMigration({
      targets: [{ cluster: "west-1" }],
      namespaceMapping: { shop: namespace },
      prechecks: { remediation },
      ...extra,
    });
  const namespaceExists = async (cluster: string, name: string): Promise<boolean> =>
    (await env.kubectl(cluster, ["get", "namespace", name, "--ignore-not-found", "-o", "name"])).trim() !==
    "";
  const blocking = (r: MigrationRunResult) =>
    r.precheck !== undefined && !r.precheck.proceed
      ? r.precheck.blocking.map((b) => `${b.check}:${b.verdict}`)
      : [];

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", "west-1", "west-2"], { controllers: false });
    await env.kubectl("east-1", ["apply", "-f", "-"], SOURCE_STORAGE_CLASS + "---\n" + WIDGET_CRD);
    await env.kubectl("east-1", ["apply", "-f", "-"], shopApp());
    repo = await env.openRepository({ filesystem: { path: "repo" } });
  });
  afterAll(async () => {
    await env?.close();
  });

  describe("missing storage class (fast-ssd not mapped; west-1 has only standard)", () => {
    const spec = (ns: string, mode: RemediationMode) => oneTarget(ns, mode, { storageClassMapping: {} });

    it("pull-request: PrecheckFailed with a proposal naming the file and the mapping; nothing written", async () => {
      const r = await migrate("sc-pr", spec("sc-pr", "pull-request"));
      expect(r.status.phase).toBe("PrecheckFailed");
      expect(r.status.prechecks?.actionable).toBeGreaterThanOrEqual(1);
      expect(r.proposal?.changes).toContainEqual(
        expect.objectContaining({
          file: "environments/prod/sc-pr.yaml",
          path: ["spec", "storageClassMapping", "fast-ssd"],
          op: "set",
          value: "standard",
        }),
      );
      expect(r.proposal?.body).toMatch(/storageClassMapping/);
      expect(r.status.sourceClusterStatus?.backup).toBeUndefined();
      expect(await namespaceExists("west-1", "sc-pr")).toBe(false);
    });

    it("manual: PrecheckFailed, no proposal, nothing written", async () => {
      const r = await migrate("sc-manual", spec("sc-manual", "manual"));
      expect(r.status.phase).toBe("PrecheckFailed");
      expect(r.proposal).toBeUndefined();
      expect(blocking(r)).toContain("storage-class:actionable");
      expect(await namespaceExists("west-1", "sc-manual")).toBe(false);
    });

    it("auto: a mapping is not a live fix, so it stops and fixes nothing", async () => {
      const r = await migrate("sc-auto", spec("sc-auto", "auto"));
      expect(r.status.phase).toBe("PrecheckFailed");
      expect(r.fixesApplied).toEqual([]);
      expect(await namespaceExists("west-1", "sc-auto")).toBe(false);
    });

    it("ignore: proceeds, the claim keeps its class, the results stay in status", async () => {
      const r = await migrate("sc-ignore", spec("sc-ignore", "ignore"));
      expect(r.status.phase).toBe("Completed");
      expect(r.status.prechecks?.actionable).toBeGreaterThanOrEqual(1);
      const [pvc] = await env.getJson("west-1", ["-n", "sc-ignore", "pvc", "uploads"]);
      expect((pvc?.["spec"] as { storageClassName: string }).storageClassName).toBe("fast-ssd");
    });
  });

  it("too-small quota: actionable raise-quota; auto cannot lift a guardrail and stops", async () => {
    await env.kubectl(
      "west-1",
      ["apply", "-f", "-"],
      `
apiVersion: v1
kind: Namespace
metadata: {name: quota-small}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: storage, namespace: quota-small}
spec: {hard: {requests.storage: 500Mi}}
`,
    );
    const r = await migrate("quota-auto", oneTarget("quota-small", "auto"));
    expect(r.status.phase).toBe("PrecheckFailed");
    const quota = r.status.prechecks?.results.find((x) => x.check === "quota");
    expect(quota).toMatchObject({ verdict: "actionable", subject: "ResourceQuota quota-small/storage" });
    expect(quota?.remediation?.kind).toBe("raise-quota");
    expect(quota?.reason).toMatch(/requests.storage/);
    expect(await env.kubectl("west-1", ["get", "cm", "-n", "quota-small", "-o", "name"])).not.toMatch(
      /settings/,
    );
  });

  describe("foreign namespace", () => {
    beforeAll(async () => {
      await env.kubectl(
        "west-1",
        ["apply", "-f", "-"],
        `
apiVersion: v1
kind: Namespace
metadata: {name: theirs}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: theirs}
data: {owner: platform-team}
---
apiVersion: v1
kind: Namespace
metadata: {name: onboarded, labels: {kubeslice.io/slice: payments}}
`,
      );
    });

    it("holding an object of the same name: actionable allow-overwrite; pull-request proposes overwrite: true", async () => {
      const r = await migrate("foreign-pr", oneTarget("theirs", "pull-request"));
      expect(r.status.phase).toBe("PrecheckFailed");
      const ns = r.status.prechecks?.results.find((x) => x.check === "namespace");
      expect(ns).toMatchObject({ verdict: "actionable", subject: "theirs" });
      expect(ns?.reason).toMatch(/ConfigMap theirs\/settings/);
      expect(r.proposal?.changes).toContainEqual(
        expect.objectContaining({ path: ["spec", "overwrite"], value: true }),
      );
      const [cm] = await env.getJson("west-1", ["-n", "theirs", "cm", "settings"]);
      expect(cm?.["data"]).toEqual({ owner: "platform-team" });
    });

    it("with ignore, the foreign object is skipped and reported, never overwritten", async () => {
      const r = await migrate("foreign-ignore", oneTarget("theirs", "ignore"));
      const restore = r.status.targetClusterStatus[0]?.restore;
      expect(restore?.counts.skipped).toBeGreaterThanOrEqual(2); // the namespace and the config map
      const [cm] = await env.getJson("west-1", ["-n", "theirs", "cm", "settings"]);
      expect(cm?.["data"]).toEqual({ owner: "platform-team" });
    });

    it("with overwrite: true it is compatible and the object is replaced", async () => {
      const r = await migrate("foreign-overwrite", oneTarget("theirs", "manual", { overwrite: true }));
      expect(r.status.phase).toBe("Completed");
      const [cm] = await env.getJson("west-1", ["-n", "theirs", "cm", "settings"]);
      expect(cm?.["data"]).toMatchObject({ color: "blue" });
      expect(cm?.metadata.labels?.["ferry.dev/managed-by"]).toBe("ferry");
    });

    it("onboarded on the destination (KubeSlice): incompatible, even for auto", async () => {
      const r = await migrate("onboarded-auto", oneTarget("onboarded", "auto"));
      expect(r.status.phase).toBe("PrecheckFailed");
      expect(blocking(r)).toContain("namespace:incompatible");
    });
  });

  it("missing CRD (CRDs excluded): actionable include-crd; auto applies the CRD live and proceeds", async () => {
    // west-2: west-1 already serves widgets after the runs above.
    const spec = shopMigration({
      targets: [{ cluster: "west-2" }],
      namespaceMapping: { shop: "crd-auto" },
      prechecks: { remediation: "auto" },
      resourceFilter: { excludeKinds: ["CustomResourceDefinition"] },
    });
    const manual = await migrate("crd-manual", { ...spec, prechecks: { remediation: "manual" } });
    expect(manual.status.phase).toBe("PrecheckFailed");
    expect(blocking(manual)).toContain("api-resource:actionable");

    const r = await migrate("crd-auto", spec);
    expect(r.fixesApplied).toEqual(["applied CRD widgets.example.com to west-2"]);
    expect(r.status.phase).toBe("Completed");
    expect(
      r.status.prechecks?.results.find((x) => x.check === "api-resource" && x.verdict === "actionable"),
    ).toBeDefined();
    const widgets = await env.getJson("west-2", ["-n", "crd-auto", "widgets"]);
    expect(widgets.map((w) => w.metadata.name).sort()).toEqual(["blue-widget", "red-widget"]);
  });

  it("auto: a live fix the target refuses stops the run in PrecheckFailed with the API's reason", async () => {
    // Without controllers the claim is never provisioned, so the API server refuses to resize it.
    await env.kubectl(
      "west-1",
      ["apply", "-f", "-"],
      `
apiVersion: v1
kind: Namespace
metadata: {name: grow, labels: {ferry.dev/managed-by: ferry, ferry.dev/migration: grow-auto}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: uploads, namespace: grow, labels: {ferry.dev/managed-by: ferry, ferry.dev/migration: grow-auto}}
spec: {accessModes: [ReadWriteOnce], storageClassName: standard, resources: {requests: {storage: 256Mi}}}
`,
    );
    const r = await migrate("grow-auto", oneTarget("grow", "auto"));
    expect(r.status.phase).toBe("PrecheckFailed");
    expect(r.status.message).toMatch(
      /a remediation failed: .*only dynamically provisioned pvc can be resized/,
    );
    expect(r.status.sourceClusterStatus?.backup).toBeUndefined();
  });

  it("unreachable target (connections refused): incompatible; ignore restores the reachable one (PartiallyFailed)", async () => {
    const west2 = env.local.clusters.get("west-2");
    await west2?.refuseConnections();
    try {
      const spec = shopMigration({
        namespaceMapping: { shop: "unreach" },
        prechecks: { remediation: "auto" },
      });
      const stopped = await migrate("unreach-auto", spec);
      expect(stopped.status.phase).toBe("PrecheckFailed");
      expect(blocking(stopped)).toEqual(["reachable:incompatible"]);
      expect(stopped.status.prechecks?.results.find((x) => x.target === "west-2")?.reason).toMatch(
        /cannot reach/,
      );

      const ignored = await migrate("unreach-ignore", { ...spec, prechecks: { remediation: "ignore" } });
      expect(ignored.status.phase).toBe("PartiallyFailed");
      const byCluster = new Map(ignored.status.targetClusterStatus.map((t) => [t.cluster, t.restore]));
      expect(byCluster.get("west-1")?.phase).toBe("Completed");
      expect(byCluster.get("west-2")?.phase).toBe("Failed");
      expect(byCluster.get("west-2")?.error).toMatch(/ECONNREFUSED|connect|refused/i);
    } finally {
      await west2?.acceptConnections();
    }
  });
});
