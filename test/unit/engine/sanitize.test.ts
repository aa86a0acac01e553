import { describe, expect, it } from "vitest";
import { sanitizeForExport } from "../../../src/engine/export/sanitize.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { obj } from "./objects.js";

const serverMeta = {
  uid: "1234",
  resourceVersion: "99",
  generation: 3,
  creationTimestamp: "2026-01-01T00:00:00Z",
  deletionTimestamp: "2026-01-02T00:00:00Z",
  deletionGracePeriodSeconds: 30,
  managedFields: [{ manager: "kubectl" }],
  selfLink: "/api/v1/x",
  ownerReferences: [{ apiVersion: "v1", kind: "X", name: "x", uid: "u" }],
  finalizers: ["example.com/cleanup"],
  labels: { app: "shop" },
  annotations: {
    "kubectl.kubernetes.io/last-applied-configuration": "{}",
    note: "keep me",
  },
};

describe("sanitizeForExport: metadata and status", () => {
  it("keeps only name, namespace, labels and annotations, and drops status", () => {
    const out = sanitizeForExport(
      obj("v1", "ConfigMap", "c", "shop", { data: { a: "1" }, status: { x: 1 } }, serverMeta),
    );
    expect(out).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "shop", labels: { app: "shop" }, annotations: { note: "keep me" } },
      data: { a: "1" },
    });
  });

  it("does not modify its input", () => {
    const input = obj("v1", "ConfigMap", "c", "shop", {}, serverMeta);
    const before = structuredClone(input);
    sanitizeForExport(input);
    expect(input).toEqual(before);
  });

  it("drops an annotations map left empty", () => {
    const out = sanitizeForExport(
      obj(
        "v1",
        "ConfigMap",
        "c",
        "shop",
        {},
        { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
      ),
    );
    expect(out.metadata).toEqual({ name: "c", namespace: "shop" });
  });
});

type Case = [string, KubeObject, Record<string, unknown>];

describe("sanitizeForExport: per kind", () => {
  it.each<Case>([
    [
      "ClusterIP service loses its allocated IPs",
      obj("v1", "Service", "web", "shop", {
        spec: { type: "ClusterIP", clusterIP: "10.0.0.5", clusterIPs: ["10.0.0.5"], ports: [{ port: 80 }] },
      }),
      { spec: { type: "ClusterIP", ports: [{ port: 80 }] } },
    ],
    [
      "headless service keeps None",
      obj("v1", "Service", "db", "shop", {
        spec: { clusterIP: "None", clusterIPs: ["None"], ports: [{ port: 5432 }] },
      }),
      { spec: { clusterIP: "None", clusterIPs: ["None"], ports: [{ port: 5432 }] } },
    ],
    [
      "NodePort service drops allocated node ports and health-check port",
      obj("v1", "Service", "np", "shop", {
        spec: {
          type: "NodePort",
          clusterIP: "10.0.0.6",
          healthCheckNodePort: 31000,
          ports: [{ port: 80, nodePort: 30080 }],
        },
      }),
      { spec: { type: "NodePort", ports: [{ port: 80 }] } },
    ],
    [
      "NodePort service keeps node ports the user set explicitly",
      obj(
        "v1",
        "Service",
        "np",
        "shop",
        {
          spec: {
            type: "NodePort",
            ports: [
              { name: "a", port: 80, nodePort: 30080 },
              { name: "b", port: 81, nodePort: 30081 },
            ],
          },
        },
        {
          annotations: {
            "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({
              spec: { ports: [{ port: 80, nodePort: 30080 }] },
            }),
          },
        },
      ),
      {
        spec: {
          type: "NodePort",
          ports: [
            { name: "a", port: 80, nodePort: 30080 },
            { name: "b", port: 81 },
          ],
        },
      },
    ],
    [
      "ClusterIP service never keeps node ports",
      obj("v1", "Service", "c", "shop", {
        spec: { type: "ClusterIP", ports: [{ port: 80, nodePort: 30080 }] },
      }),
      { spec: { type: "ClusterIP", ports: [{ port: 80 }] } },
    ],
    [
      "pod loses its node",
      obj("v1", "Pod", "p", "shop", { spec: { nodeName: "n1", containers: [] } }),
      { spec: { containers: [] } },
    ],
    [
      "PVC loses its volume and binding annotations",
      obj(
        "v1",
        "PersistentVolumeClaim",
        "data",
        "shop",
        {
          spec: {
            volumeName: "pvc-123",
            storageClassName: "fast",
            resources: { requests: { storage: "1Gi" } },
          },
        },
        {
          annotations: {
            "pv.kubernetes.io/bind-completed": "yes",
            "pv.kubernetes.io/bound-by-controller": "yes",
            "volume.beta.kubernetes.io/storage-provisioner": "x",
            "volume.kubernetes.io/storage-provisioner": "x",
            "volume.kubernetes.io/selected-node": "n1",
            team: "a",
          },
        },
      ),
      {
        metadata: { name: "data", namespace: "shop", annotations: { team: "a" } },
        spec: { storageClassName: "fast", resources: { requests: { storage: "1Gi" } } },
      },
    ],
    [
      "PVC with only the legacy class annotation keeps its class",
      obj(
        "v1",
        "PersistentVolumeClaim",
        "old",
        "shop",
        { spec: {} },
        { annotations: { "volume.beta.kubernetes.io/storage-class": "slow" } },
      ),
      { metadata: { name: "old", namespace: "shop" }, spec: { storageClassName: "slow" } },
    ],
    [
      "PVC restored from a source snapshot loses the snapshot reference",
      obj("v1", "PersistentVolumeClaim", "from-snap", "shop", {
        spec: {
          dataSource: { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "s1" },
          dataSourceRef: { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "s1" },
          resources: { requests: { storage: "1Gi" } },
        },
      }),
      { spec: { resources: { requests: { storage: "1Gi" } } } },
    ],
    [
      "PVC cloned from another claim keeps its data source",
      obj("v1", "PersistentVolumeClaim", "clone", "shop", {
        spec: { dataSource: { kind: "PersistentVolumeClaim", name: "data" } },
      }),
      { spec: { dataSource: { kind: "PersistentVolumeClaim", name: "data" } } },
    ],
    [
      "job loses its generated selector and controller labels",
      obj(
        "batch/v1",
        "Job",
        "migrate",
        "shop",
        {
          spec: {
            selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } },
            template: {
              metadata: {
                labels: {
                  "batch.kubernetes.io/controller-uid": "u1",
                  "controller-uid": "u1",
                  "job-name": "migrate",
                  "batch.kubernetes.io/job-name": "migrate",
                  app: "m",
                },
              },
              spec: {},
            },
          },
        },
        { labels: { "controller-uid": "u1", "job-name": "migrate" } },
      ),
      {
        metadata: { name: "migrate", namespace: "shop" },
        spec: { template: { metadata: { labels: { app: "m" } }, spec: {} } },
      },
    ],
    [
      "job with a manual selector keeps it, minus the UID",
      obj("batch/v1", "Job", "j", "shop", {
        spec: {
          manualSelector: true,
          selector: { matchLabels: { app: "j", "controller-uid": "u1" } },
          template: { metadata: { labels: { app: "j" } }, spec: {} },
        },
      }),
      {
        spec: {
          manualSelector: true,
          selector: { matchLabels: { app: "j" } },
          template: { metadata: { labels: { app: "j" } }, spec: {} },
        },
      },
    ],
    [
      "namespace loses its spec and name label",
      obj(
        "v1",
        "Namespace",
        "shop",
        undefined,
        { spec: { finalizers: ["kubernetes"] } },
        { labels: { "kubernetes.io/metadata.name": "shop", team: "a" } },
      ),
      { metadata: { name: "shop", labels: { team: "a" } } },
    ],
    [
      "deployment loses its revision annotation",
      obj(
        "apps/v1",
        "Deployment",
        "web",
        "shop",
        { spec: { replicas: 3 } },
        { annotations: { "deployment.kubernetes.io/revision": "4" } },
      ),
      { metadata: { name: "web", namespace: "shop" }, spec: { replicas: 3 } },
    ],
  ])("%s", (_name, input, expected) => {
    expect(sanitizeForExport(input)).toMatchObject(expected);
    const out = sanitizeForExport(input);
    for (const [key, value] of Object.entries(expected)) expect(out[key]).toEqual(value);
  });
});
