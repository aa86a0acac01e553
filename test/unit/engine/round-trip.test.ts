/**
 * The whole pure pipeline over one object and a simulated API server: export, sanitise,
 * transform, create; the server adds what servers add; the next run (a new backup) must
 * find every object unchanged, and a change at the source must be an update.
 */
import { describe, expect, it } from "vitest";
import { sanitizeForExport } from "../../../src/engine/export/sanitize.js";
import {
  transformForTarget,
  type TransformSpec,
} from "../../../src/engine/transforms/transform-for-target.js";
import { decideRestoreAction } from "../../../src/engine/restore/restore-action.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { configMap, obj, pvc } from "./objects.js";

const spec: TransformSpec = {
  namespaceMapping: { shop: "shop-dr" },
  storageClassMapping: { "fast-ssd": "standard" },
};
const serverMeta = {
  uid: "src-uid",
  resourceVersion: "10",
  creationTimestamp: "2026-01-01T00:00:00Z",
  managedFields: [{ manager: "kubectl" }],
};

/** What a target API server adds to an object it stored. */
function serverStores(written: KubeObject): KubeObject {
  const live = structuredClone(written);
  Object.assign(live.metadata, {
    uid: "target-uid",
    resourceVersion: "1",
    generation: 1,
    managedFields: [{ manager: "ferry" }],
  });
  const spec = live["spec"] as Record<string, unknown> | undefined;
  switch (live.kind) {
    case "Service":
      Object.assign(spec ?? {}, { clusterIP: "10.96.0.9", clusterIPs: ["10.96.0.9"] });
      break;
    case "PersistentVolumeClaim":
      Object.assign(spec ?? {}, { volumeName: "pvc-target" });
      live.metadata.annotations = { ...live.metadata.annotations, "pv.kubernetes.io/bind-completed": "yes" };
      live["status"] = { phase: "Bound" };
      break;
    case "Deployment":
      live.metadata.annotations = { ...live.metadata.annotations, "deployment.kubernetes.io/revision": "1" };
      live["status"] = { observedGeneration: 1 };
      break;
    case "Namespace":
      live.metadata.labels = { ...live.metadata.labels, "kubernetes.io/metadata.name": live.metadata.name };
      live["spec"] = { finalizers: ["kubernetes"] };
      break;
  }
  return live;
}

const sources: [string, KubeObject][] = [
  [
    "Namespace",
    obj(
      "v1",
      "Namespace",
      "shop",
      undefined,
      { spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } },
      serverMeta,
    ),
  ],
  ["ConfigMap", configMap("settings", "shop", { a: "1" }, serverMeta)],
  [
    "Service",
    obj(
      "v1",
      "Service",
      "web",
      "shop",
      {
        spec: {
          type: "ClusterIP",
          clusterIP: "10.0.0.1",
          clusterIPs: ["10.0.0.1"],
          ports: [{ port: 80, protocol: "TCP" }],
          selector: { app: "web" },
        },
      },
      serverMeta,
    ),
  ],
  [
    "PersistentVolumeClaim",
    {
      ...pvc("data", "shop", "10Gi", "fast-ssd"),
      metadata: { name: "data", namespace: "shop", ...serverMeta },
    },
  ],
  [
    "Deployment",
    obj(
      "apps/v1",
      "Deployment",
      "web",
      "shop",
      {
        spec: {
          replicas: 3,
          template: {
            metadata: { creationTimestamp: null },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          },
        },
        status: { replicas: 3 },
      },
      serverMeta,
    ),
  ],
];

describe("round trip through a simulated target", () => {
  it.each(sources)(
    "%s: created once, then unchanged, then updated when the source changes",
    (_kind, source) => {
      const run = (src: KubeObject, backup: string): KubeObject => {
        const transformed = transformForTarget(sanitizeForExport(src), spec, {
          migration: "shop-to-west",
          sourceCluster: "east-1",
          backup,
        });
        if (!transformed.ok) throw new Error("transform failed");
        return transformed.value;
      };
      const first = decideRestoreAction(run(source, "bk-1"), undefined);
      expect(first.action).toBe("create");
      if (first.action !== "create") return;
      const live = serverStores(first.object);

      expect(decideRestoreAction(run(source, "bk-2"), live).action).toBe("unchanged");

      const changed = structuredClone(source);
      changed.metadata.labels = { ...changed.metadata.labels, release: "2" };
      const second = decideRestoreAction(run(changed, "bk-3"), live);
      expect(second.action).toBe("update");
      expect(second.reason).toMatch(/source changed/);
    },
  );
});
