import { describe, expect, it } from "vitest";
import { crdGroupKind, indexCrds, requiredCrds } from "../../../src/engine/export/required-crds.js";
import { requiredClusterRbac } from "../../../src/engine/export/required-cluster-rbac.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { configMap, crd, obj } from "./objects.js";

const widgets = crd("example.com", "Widget", "widgets");
const gadgets = crd("example.com", "Gadget", "gadgets");
const index = indexCrds([
  widgets,
  gadgets,
  obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "broken", undefined, { spec: {} }),
]);

describe("requiredCrds", () => {
  it.each<[string, KubeObject[], string[]]>([
    ["built-in objects need none", [configMap("a")], []],
    [
      "a custom resource needs its CRD",
      [obj("example.com/v1", "Widget", "w", "shop")],
      ["widgets.example.com"],
    ],
    [
      "each CRD once, sorted by name",
      [
        obj("example.com/v1", "Widget", "w1", "shop"),
        obj("example.com/v1", "Gadget", "g", "shop"),
        obj("example.com/v1", "Widget", "w2", "shop"),
      ],
      ["gadgets.example.com", "widgets.example.com"],
    ],
    ["a kind without a known CRD", [obj("other.io/v1", "Thing", "t", "shop")], []],
  ])("%s", (_name, resources, names) => {
    expect(requiredCrds(resources, index).map((c) => c.metadata.name)).toEqual(names);
  });

  it("indexes CRDs by Kind.group and ignores malformed ones", () => {
    expect([...index.keys()]).toEqual(["Widget.example.com", "Gadget.example.com"]);
    expect(
      crdGroupKind(
        obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "x", undefined, { spec: { group: "g" } }),
      ),
    ).toBeUndefined();
  });
});

describe("requiredClusterRbac", () => {
  const sa = obj("v1", "ServiceAccount", "app", "shop");
  const binding = (
    name: string,
    role: string,
    subjects: unknown[],
    labels?: Record<string, string>,
  ): KubeObject =>
    obj(
      "rbac.authorization.k8s.io/v1",
      "ClusterRoleBinding",
      name,
      undefined,
      { roleRef: { kind: "ClusterRole", name: role }, subjects },
      labels === undefined ? {} : { labels },
    );
  const role = (name: string, labels?: Record<string, string>): KubeObject =>
    obj(
      "rbac.authorization.k8s.io/v1",
      "ClusterRole",
      name,
      undefined,
      { rules: [] },
      labels === undefined ? {} : { labels },
    );
  const roleBinding = obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", "shop", {
    roleRef: { kind: "ClusterRole", name: "shop-reader" },
    subjects: [],
  });

  it.each<[string, KubeObject[], string[]]>([
    ["nothing refers to cluster RBAC", [configMap("a")], []],
    [
      "a binding to an exported service account brings its role",
      [sa],
      ["ClusterRole/app-role", "ClusterRoleBinding/app-binding"],
    ],
    ["a role binding's cluster role comes along", [roleBinding], ["ClusterRole/shop-reader"]],
    [
      "both",
      [sa, roleBinding],
      ["ClusterRole/app-role", "ClusterRole/shop-reader", "ClusterRoleBinding/app-binding"],
    ],
  ])("%s", (_name, resources, expected) => {
    const out = requiredClusterRbac({
      resources,
      clusterRoles: [
        role("app-role"),
        role("shop-reader"),
        role("edit", { "kubernetes.io/bootstrapping": "rbac-defaults" }),
        role("system:x"),
      ],
      clusterRoleBindings: [
        binding("app-binding", "app-role", [{ kind: "ServiceAccount", name: "app", namespace: "shop" }]),
        binding("other-binding", "app-role", [{ kind: "ServiceAccount", name: "app", namespace: "blog" }]),
        binding("system:edit", "edit", [{ kind: "ServiceAccount", name: "app", namespace: "shop" }]),
        binding("user-binding", "app-role", [{ kind: "User", name: "alice" }]),
      ],
    });
    expect(out.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expected);
  });

  it("never carries Kubernetes' own roles", () => {
    const out = requiredClusterRbac({
      resources: [
        obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", "shop", {
          roleRef: { kind: "ClusterRole", name: "edit" },
        }),
      ],
      clusterRoles: [role("edit", { "kubernetes.io/bootstrapping": "rbac-defaults" })],
      clusterRoleBindings: [],
    });
    expect(out).toEqual([]);
  });
});
