import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/local/api.js";
import { quotaUsed } from "../../../src/local/controllers/volumes/quota.js";

const pvc = (storage: string, storageClassName = "standard"): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "x" },
  spec: { storageClassName, resources: { requests: { storage } } },
});
const pod = (cpu: string, memory: string, phase = "Running"): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p" },
  spec: { containers: [{ name: "c", resources: { requests: { cpu, memory } } }] },
  status: { phase },
});

describe("quotaUsed", () => {
  const usage = {
    pvcs: [pvc("1Gi"), pvc("512Mi"), pvc("2Gi", "fast")],
    pods: [pod("250m", "64Mi"), pod("1", "1Gi", "Succeeded")],
    counts: { services: 2, "count/deployments.apps": 1 },
  };
  it.each([
    ["requests.storage", "3584Mi"],
    ["persistentvolumeclaims", "3"],
    ["standard.storageclass.storage.k8s.io/requests.storage", "1536Mi"],
    ["fast.storageclass.storage.k8s.io/persistentvolumeclaims", "1"],
    ["gold.storageclass.storage.k8s.io/requests.storage", "0"],
    ["pods", "1"],
    ["requests.cpu", "250m"],
    ["requests.memory", "64Mi"],
    ["services", "2"],
    ["count/deployments.apps", "1"],
  ])("counts %s as %s", (resource, expected) => {
    expect(quotaUsed({ [resource]: "100" }, usage)).toEqual({ [resource]: expected });
  });

  it("leaves out what it cannot count", () => {
    expect(quotaUsed({ "count/widgets.example.com": "5" }, usage)).toEqual({});
  });
});
