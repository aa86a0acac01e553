import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KubeObject } from "../../../src/local/api.js";
import { nodeName } from "../../../src/local/seed.js";
import { rolloutStep } from "../../../src/local/controllers/workloads/deployments.js";
import { R } from "../../../src/local/controllers/runtime/gvr.js";
import { startHarness, type Harness } from "../../helpers/controller-harness.js";

const deployment = (replicas: number, image = "nginx:1.27"): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image }] } },
  },
});

/** The `kubectl rollout status` check, as kubectl computes it. */
function rolledOut(d: KubeObject | undefined): boolean {
  const s = (d?.["status"] ?? {}) as Record<string, number | undefined>;
  const desired = (d?.["spec"] as { replicas: number }).replicas;
  return (
    (d?.metadata.generation ?? 0) <= (s["observedGeneration"] ?? 0) &&
    (s["updatedReplicas"] ?? 0) >= desired &&
    (s["replicas"] ?? 0) <= (s["updatedReplicas"] ?? 0) &&
    (s["availableReplicas"] ?? 0) >= (s["updatedReplicas"] ?? 0)
  );
}

describe("deployment controller", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ clusterName: "east-1" });
  });
  afterEach(async () => {
    await h.close();
  });

  const get = (): KubeObject | undefined => h.api.get(R.deployments, "shop", "web");
  const pods = (): KubeObject[] => h.api.list(R.pods, { namespace: "shop", labelSelector: "app=web" });

  it("makes a ReplicaSet and pods that become Running and Ready on the cluster's node", async () => {
    h.api.create(R.deployments, deployment(3));
    await vi.waitFor(() => expect(rolledOut(get())).toBe(true));
    const [rs, ...moreRs] = h.api.list(R.replicaSets, { namespace: "shop" });
    expect(moreRs).toEqual([]);
    expect(rs?.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    expect(rs?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: "Deployment",
      name: "web",
      controller: true,
    });
    const hash = rs?.metadata.labels?.["pod-template-hash"] ?? "";
    expect(rs?.metadata.name).toBe(`web-${hash}`);
    expect(pods()).toHaveLength(3);
    for (const pod of pods()) {
      expect(pod.metadata.name?.startsWith(`web-${hash}-`)).toBe(true);
      expect(pod["spec"]).toMatchObject({ nodeName: nodeName("east-1") });
      const status = pod["status"] as {
        phase: string;
        podIP: string;
        conditions: { type: string; status: string }[];
      };
      expect(status.phase).toBe("Running");
      expect(status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
      const types = Object.fromEntries(status.conditions.map((c) => [c.type, c.status]));
      expect(types).toMatchObject({
        PodScheduled: "True",
        Initialized: "True",
        ContainersReady: "True",
        Ready: "True",
      });
    }
    const conditions = (get()?.["status"] as { conditions: { type: string; reason: string }[] }).conditions;
    expect(conditions.map((c) => [c.type, c.reason])).toEqual([
      ["Available", "MinimumReplicasAvailable"],
      ["Progressing", "NewReplicaSetAvailable"],
    ]);
    expect(get()?.["status"]).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      updatedReplicas: 3,
    });
  });

  it.each([
    [3, 1],
    [1, 4],
    [2, 0],
  ])("scales from %i to %i replicas", async (from, to) => {
    h.api.create(R.deployments, deployment(from));
    await vi.waitFor(() => expect(pods().length).toBe(from));
    const d = get() as KubeObject;
    (d["spec"] as { replicas: number }).replicas = to;
    h.api.update(R.deployments, d);
    await vi.waitFor(() => {
      expect(rolledOut(get())).toBe(true);
      expect(pods()).toHaveLength(to);
      expect(get()?.["status"]).toMatchObject({ readyReplicas: to, observedGeneration: 2 });
    });
  });

  it("rolls out a template change to a new ReplicaSet and rolls back to the old one", async () => {
    h.api.create(R.deployments, deployment(2, "nginx:1"));
    await vi.waitFor(() => expect(rolledOut(get())).toBe(true));
    const setImage = (image: string): void => {
      const d = get() as KubeObject;
      (
        d["spec"] as { template: { spec: { containers: { image: string }[] } } }
      ).template.spec.containers[0]!.image = image;
      h.api.update(R.deployments, d);
    };
    setImage("nginx:2");
    await vi.waitFor(() => {
      expect(rolledOut(get())).toBe(true);
      expect(
        pods().map((p) => (p["spec"] as { containers: { image: string }[] }).containers[0]?.image),
      ).toEqual(["nginx:2", "nginx:2"]);
    });
    const sets = h.api.list(R.replicaSets, { namespace: "shop" });
    const byRevision = Object.fromEntries<number>(
      sets.map((rs): [string, number] => [
        rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? "",
        (rs["spec"] as { replicas: number }).replicas,
      ]),
    );
    expect(byRevision).toEqual({ "1": 0, "2": 2 });
    setImage("nginx:1");
    await vi.waitFor(() => {
      expect(rolledOut(get())).toBe(true);
      expect(get()?.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
    });
    expect(h.api.list(R.replicaSets, { namespace: "shop" })).toHaveLength(2);
  });

  it("writes nothing more once the deployment has settled", async () => {
    h.api.create(R.deployments, deployment(2));
    await vi.waitFor(() => expect(rolledOut(get())).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = h.api.writes.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.api.writes.length).toBe(before);
  });

  it.each([
    ["2s", true],
    ["never", false],
  ])("with simulated-ready-after %s, pods become Ready: %s", async (after, becomesReady) => {
    const d = deployment(2);
    (d["spec"] as { template: { metadata: Record<string, unknown> } }).template.metadata["annotations"] = {
      "ferry.dev/simulated-ready-after": after,
    };
    h.api.create(R.deployments, d);
    await vi.waitFor(() => {
      expect(pods().map((p) => (p["status"] as { phase?: string } | undefined)?.phase)).toEqual([
        "Running",
        "Running",
      ]);
    });
    if (becomesReady) {
      await vi.waitFor(() => expect(rolledOut(get())).toBe(true));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(get()?.["status"]).toMatchObject({
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 2,
    });
    const available = (
      get()?.["status"] as { conditions: { type: string; status: string }[] }
    ).conditions.find((c) => c.type === "Available");
    expect(available?.status).toBe("False");
  });

  it("keeps minimum availability while new pods are not Ready (a stuck rollout)", async () => {
    h.api.create(R.deployments, deployment(4, "app:1"));
    await vi.waitFor(() => expect(rolledOut(get())).toBe(true));
    const d = get() as KubeObject;
    const template = (
      d["spec"] as {
        template: { metadata: Record<string, unknown>; spec: { containers: { image: string }[] } };
      }
    ).template;
    template.spec.containers[0]!.image = "app:2";
    template.metadata["annotations"] = { "ferry.dev/simulated-ready-after": "never" };
    h.api.update(R.deployments, d);
    await vi.waitFor(() => expect(pods().length).toBe(5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const status = get()?.["status"] as {
      availableReplicas: number;
      updatedReplicas: number;
      replicas: number;
    };
    expect(status.availableReplicas).toBeGreaterThanOrEqual(3);
    expect(status.replicas).toBeLessThanOrEqual(5);
    expect(rolledOut(get())).toBe(false);
  });
});

describe("progress deadline", () => {
  it("reports ProgressDeadlineExceeded when a rollout stops progressing", async () => {
    const h = await startHarness();
    try {
      h.api.create(R.deployments, deployment(2, "app:1"));
      await vi.waitFor(() => expect(rolledOut(h.api.get(R.deployments, "shop", "web"))).toBe(true));
      const d = h.api.get(R.deployments, "shop", "web") as KubeObject;
      const spec = d["spec"] as {
        progressDeadlineSeconds?: number;
        template: { metadata: Record<string, unknown> };
      };
      spec.progressDeadlineSeconds = 30;
      spec.template.metadata["annotations"] = { "ferry.dev/simulated-ready-after": "never" };
      h.api.update(R.deployments, d);
      await vi.waitFor(() => {
        const conditions = (
          h.api.get(R.deployments, "shop", "web")?.["status"] as {
            conditions: { type: string; status: string; reason: string }[];
          }
        ).conditions;
        expect(conditions).toContainEqual(
          expect.objectContaining({
            type: "Progressing",
            status: "False",
            reason: "ProgressDeadlineExceeded",
          }),
        );
      });
    } finally {
      await h.close();
    }
  });
});

describe("rolloutStep", () => {
  const d = (replicas: number, strategy: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: { replicas, strategy },
  });
  const rs = (uid: string, revision: number, spec: number, available: number): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: uid, uid, annotations: { "deployment.kubernetes.io/revision": String(revision) } },
    spec: { replicas: spec },
    status: { replicas: spec, availableReplicas: available },
  });
  it.each([
    [
      "a new rollout surges by one (25% of 4) and may drop one old pod",
      d(4),
      rs("new", 2, 0, 0),
      [rs("old", 1, 4, 4)],
      1,
      3,
    ],
    ["old pods go once new ones are available", d(4), rs("new", 2, 1, 1), [rs("old", 1, 4, 4)], 1, 2],
    ["an unavailable new pod holds the old ones", d(4), rs("new", 2, 1, 0), [rs("old", 1, 4, 4)], 1, 3],
    ["the last step", d(4), rs("new", 2, 4, 4), [rs("old", 1, 0, 0)], 4, 0],
    [
      "Recreate waits for old pods to go",
      d(3, { type: "Recreate" }),
      rs("new", 2, 0, 0),
      [rs("old", 1, 3, 3)],
      0,
      0,
    ],
    [
      "Recreate then starts the new ones",
      d(3, { type: "Recreate" }),
      rs("new", 2, 0, 0),
      [rs("old", 1, 0, 0)],
      3,
      0,
    ],
    ["scaling down needs no steps", d(2), rs("new", 1, 5, 5), [], 2, undefined],
  ])("%s", (_, deployment, newRS, oldSets, newReplicas, oldReplicas) => {
    const step = rolloutStep(deployment, newRS, oldSets);
    expect(step.newReplicas).toBe(newReplicas);
    expect(step.old.get("old")).toBe(oldReplicas);
  });
});
