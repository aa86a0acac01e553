import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KubeObject } from "../../../src/local/api.js";
import { R } from "../../../src/local/controllers/runtime/gvr.js";
import { startHarness, type Harness } from "../../helpers/controller-harness.js";

const statefulSet = (replicas: number, image = "postgres:16"): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "pg", namespace: "shop" },
  spec: {
    replicas,
    serviceName: "pg",
    selector: { matchLabels: { app: "pg" } },
    template: { metadata: { labels: { app: "pg" } }, spec: { containers: [{ name: "pg", image }] } },
    volumeClaimTemplates: [
      {
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
      {
        metadata: { name: "wal" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "512Mi" } } },
      },
    ],
  },
});

/** What `kubectl rollout status statefulset` waits for. */
function rolledOut(sts: KubeObject | undefined): boolean {
  const s = (sts?.["status"] ?? {}) as Record<string, unknown>;
  const desired = (sts?.["spec"] as { replicas: number }).replicas;
  return (
    (sts?.metadata.generation ?? 0) <= ((s["observedGeneration"] as number | undefined) ?? 0) &&
    ((s["readyReplicas"] as number | undefined) ?? 0) >= desired &&
    ((s["updatedReplicas"] as number | undefined) ?? 0) >= desired &&
    s["updateRevision"] === s["currentRevision"]
  );
}

describe("statefulset controller", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  const get = (): KubeObject | undefined => h.api.get(R.statefulSets, "shop", "pg");
  const podNames = (): string[] =>
    h.api
      .list(R.pods, { namespace: "shop", labelSelector: "app=pg" })
      .map((p) => p.metadata.name ?? "")
      .sort();

  it("makes ordinal pods with their claims from the templates, bound and Ready", async () => {
    h.api.create(R.statefulSets, statefulSet(2));
    await vi.waitFor(() => expect(rolledOut(get())).toBe(true));
    expect(podNames()).toEqual(["pg-0", "pg-1"]);
    const claims = h.api.list(R.pvcs, { namespace: "shop" });
    expect(claims.map((c) => c.metadata.name).sort()).toEqual([
      "data-pg-0",
      "data-pg-1",
      "wal-pg-0",
      "wal-pg-1",
    ]);
    for (const c of claims) expect(c["status"]).toMatchObject({ phase: "Bound" });
    const pod = h.api.get(R.pods, "shop", "pg-1") as KubeObject;
    expect(pod["spec"]).toMatchObject({
      hostname: "pg-1",
      subdomain: "pg",
      volumes: [
        { name: "data", persistentVolumeClaim: { claimName: "data-pg-1" } },
        { name: "wal", persistentVolumeClaim: { claimName: "wal-pg-1" } },
      ],
    });
    expect(pod.metadata.labels?.["statefulset.kubernetes.io/pod-name"]).toBe("pg-1");
    expect(get()?.["status"]).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      observedGeneration: 1,
    });
  });

  it("scales down from the highest ordinal and keeps the claims", async () => {
    h.api.create(R.statefulSets, statefulSet(3));
    await vi.waitFor(() => expect(rolledOut(get())).toBe(true));
    const sts = get() as KubeObject;
    (sts["spec"] as { replicas: number }).replicas = 1;
    h.api.update(R.statefulSets, sts);
    await vi.waitFor(() => expect(podNames()).toEqual(["pg-0"]));
    await vi.waitFor(() => expect(rolledOut(get())).toBe(true));
    expect(h.api.list(R.pvcs, { namespace: "shop" })).toHaveLength(6);
  });

  it("rolls a template change through every pod and moves currentRevision", async () => {
    h.api.create(R.statefulSets, statefulSet(2));
    await vi.waitFor(() => expect(rolledOut(get())).toBe(true));
    const before = (get()?.["status"] as { currentRevision: string }).currentRevision;
    const sts = get() as KubeObject;
    (
      sts["spec"] as { template: { spec: { containers: { image: string }[] } } }
    ).template.spec.containers[0]!.image = "postgres:17";
    h.api.update(R.statefulSets, sts);
    await vi.waitFor(() => {
      expect(rolledOut(get())).toBe(true);
      const images = h.api
        .list(R.pods, { namespace: "shop" })
        .map((p) => (p["spec"] as { containers: { image: string }[] }).containers[0]?.image);
      expect(images).toEqual(["postgres:17", "postgres:17"]);
    });
    expect((get()?.["status"] as { currentRevision: string }).currentRevision).not.toBe(before);
  });

  it("makes no pods for zero replicas", async () => {
    h.api.create(R.statefulSets, statefulSet(0));
    await vi.waitFor(() => expect(get()?.["status"]).toMatchObject({ replicas: 0, observedGeneration: 1 }));
    expect(podNames()).toEqual([]);
  });
});

describe("daemonset controller", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ clusterName: "west-1" });
  });
  afterEach(async () => {
    await h.close();
  });

  it("runs one Ready pod on the node and replaces it on a template change", async () => {
    h.api.create(R.daemonSets, {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", namespace: "kube-system" },
      spec: {
        selector: { matchLabels: { app: "agent" } },
        template: {
          metadata: { labels: { app: "agent" } },
          spec: { containers: [{ name: "a", image: "agent:1" }] },
        },
      },
    });
    const status = (): unknown => h.api.get(R.daemonSets, "kube-system", "agent")?.["status"];
    await vi.waitFor(() =>
      expect(status()).toMatchObject({
        desiredNumberScheduled: 1,
        numberReady: 1,
        updatedNumberScheduled: 1,
      }),
    );
    const [first] = h.api.list(R.pods, { namespace: "kube-system" });
    const ds = h.api.get(R.daemonSets, "kube-system", "agent") as KubeObject;
    (
      ds["spec"] as { template: { spec: { containers: { image: string }[] } } }
    ).template.spec.containers[0]!.image = "agent:2";
    h.api.update(R.daemonSets, ds);
    await vi.waitFor(() => {
      const pods = h.api.list(R.pods, { namespace: "kube-system" });
      expect(pods).toHaveLength(1);
      expect(pods[0]?.metadata.uid).not.toBe(first?.metadata.uid);
      expect(status()).toMatchObject({ numberReady: 1, updatedNumberScheduled: 1, observedGeneration: 2 });
    });
  });
});
