import { describe, expect, it } from "vitest";
import {
  restoreOrder,
  restoreTier,
  type RestoreStep,
  type RestoreTier,
} from "../../../src/engine/restore/restore-order.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { configMap, crd, deployment, obj, pvc } from "./objects.js";

describe("restoreTier", () => {
  it.each<[KubeObject, RestoreTier]>([
    [crd("example.com", "Widget", "widgets"), "crds"],
    [obj("v1", "Namespace", "shop"), "namespaces"],
    [obj("v1", "ServiceAccount", "app", "shop"), "service-accounts"],
    [obj("rbac.authorization.k8s.io/v1", "Role", "r", "shop"), "roles"],
    [obj("rbac.authorization.k8s.io/v1", "ClusterRole", "r"), "roles"],
    [obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", "shop"), "role-bindings"],
    [obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "rb"), "role-bindings"],
    [configMap("c"), "config-maps"],
    [obj("v1", "Secret", "s", "shop"), "secrets"],
    [obj("v1", "ResourceQuota", "q", "shop"), "quotas"],
    [obj("v1", "LimitRange", "l", "shop"), "quotas"],
    [pvc("d"), "persistent-volume-claims"],
    [obj("v1", "Service", "web", "shop"), "services"],
    [deployment("web"), "workloads"],
    [obj("apps/v1", "StatefulSet", "db", "shop"), "workloads"],
    [obj("apps/v1", "DaemonSet", "ds", "shop"), "workloads"],
    [obj("batch/v1", "CronJob", "cj", "shop"), "workloads"],
    [obj("batch/v1", "Job", "j", "shop"), "workloads"],
    [obj("networking.k8s.io/v1", "Ingress", "i", "shop"), "network"],
    [obj("networking.k8s.io/v1", "NetworkPolicy", "n", "shop"), "network"],
    [obj("policy/v1", "PodDisruptionBudget", "p", "shop"), "other"],
    [obj("autoscaling/v2", "HorizontalPodAutoscaler", "h", "shop"), "other"],
    [obj("example.com/v1", "Widget", "w", "shop"), "custom-resources"],
    [obj("snapshot.storage.k8s.io/v1", "VolumeSnapshot", "s", "shop"), "custom-resources"],
  ])("%o → %s", (o, tier) => {
    expect(restoreTier(o)).toBe(tier);
  });

  it("a CRD in the export marks its kind custom even in a Kubernetes-looking group", () => {
    const gateway = obj("networking.k8s.io/v1", "Gateway", "g", "shop");
    expect(restoreTier(gateway)).toBe("other");
    expect(restoreTier(gateway, new Set(["Gateway.networking.k8s.io"]))).toBe("custom-resources");
  });
});

describe("restoreOrder", () => {
  const summary = (steps: RestoreStep[]): string[] =>
    steps.map((s) =>
      s.kind === "apply"
        ? `${s.tier}:${s.objects.map((o) => o.metadata.name).join(",")}`
        : `wait:${s.crds.join(",")}`,
    );

  it("orders dependencies and waits for CRDs", () => {
    const objects = [
      obj("example.com/v1", "Widget", "w1", "shop"),
      obj("networking.k8s.io/v1", "Ingress", "ing", "shop"),
      deployment("web"),
      obj("v1", "Service", "svc", "shop"),
      pvc("data"),
      obj("v1", "Secret", "sec", "shop"),
      configMap("cm"),
      obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", "shop"),
      obj("rbac.authorization.k8s.io/v1", "Role", "role", "shop"),
      obj("v1", "ServiceAccount", "sa", "shop"),
      obj("v1", "Namespace", "shop"),
      crd("example.com", "Widget", "widgets"),
      obj("v1", "ResourceQuota", "quota", "shop"),
      obj("policy/v1", "PodDisruptionBudget", "pdb", "shop"),
    ];
    expect(summary(restoreOrder(objects))).toEqual([
      "crds:widgets.example.com",
      "wait:widgets.example.com",
      "namespaces:shop",
      "service-accounts:sa",
      "roles:role",
      "role-bindings:rb",
      "config-maps:cm",
      "secrets:sec",
      "quotas:quota",
      "persistent-volume-claims:data",
      "services:svc",
      "workloads:web",
      "network:ing",
      "other:pdb",
      "custom-resources:w1",
    ]);
  });

  it("is stable within a tier and omits empty tiers and the wait without CRDs", () => {
    const objects = [configMap("b"), deployment("z"), configMap("a"), deployment("y"), configMap("c")];
    expect(summary(restoreOrder(objects))).toEqual(["config-maps:b,a,c", "workloads:z,y"]);
  });

  it("returns nothing for nothing", () => {
    expect(restoreOrder([])).toEqual([]);
  });
});
