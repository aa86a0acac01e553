import { describe, expect, it } from "vitest";
import { applyNamespaceMapping, mapNamespace } from "../../../src/engine/transforms/namespace-mapping.js";
import {
  applyStorageClassMapping,
  storageClassesUsed,
} from "../../../src/engine/transforms/storage-class-mapping.js";
import { startApplication, stopApplication } from "../../../src/engine/transforms/start-applications.js";
import { withProvenance } from "../../../src/engine/transforms/provenance.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { configMap, deployment, obj, pvc } from "./objects.js";

const mapping = { shop: "shop-dr" };

describe("namespace mapping", () => {
  it.each<[string, string | undefined, string]>([
    ["shop", undefined, "shop"],
    ["shop", "mapped", "shop-dr"],
    ["blog", "mapped", "blog"],
    ["constructor", "mapped", "constructor"],
  ])("mapNamespace(%s) with %s mapping → %s", (ns, use, expected) => {
    expect(mapNamespace(ns, use === undefined ? undefined : mapping)).toBe(expected);
  });

  it.each<[string, KubeObject, (o: KubeObject) => unknown, unknown]>([
    ["namespaced object moves", configMap("a"), (o) => o.metadata.namespace, "shop-dr"],
    [
      "and remembers where it came from",
      configMap("a"),
      (o) => o.metadata.annotations?.["ferry.dev/source-namespace"],
      "shop",
    ],
    ["unmapped namespace stays", configMap("a", "blog"), (o) => o.metadata, { name: "a", namespace: "blog" }],
    ["a Namespace is renamed", obj("v1", "Namespace", "shop"), (o) => o.metadata.name, "shop-dr"],
    [
      "role binding subjects follow",
      obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", "shop", {
        subjects: [
          { kind: "ServiceAccount", name: "app", namespace: "shop" },
          { kind: "ServiceAccount", name: "mon", namespace: "monitoring" },
          { kind: "User", name: "alice" },
        ],
      }),
      (o) => o["subjects"],
      [
        { kind: "ServiceAccount", name: "app", namespace: "shop-dr" },
        { kind: "ServiceAccount", name: "mon", namespace: "monitoring" },
        { kind: "User", name: "alice" },
      ],
    ],
    [
      "cluster role binding subjects follow (cluster-scoped, no namespace added)",
      obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "crb", undefined, {
        subjects: [{ kind: "ServiceAccount", name: "app", namespace: "shop" }],
      }),
      (o) => [o.metadata.namespace, o["subjects"]],
      [undefined, [{ kind: "ServiceAccount", name: "app", namespace: "shop-dr" }]],
    ],
    [
      "network policy namespace selectors on the name label follow",
      obj("networking.k8s.io/v1", "NetworkPolicy", "np", "shop", {
        spec: {
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } } },
                {
                  namespaceSelector: {
                    matchExpressions: [
                      { key: "kubernetes.io/metadata.name", operator: "In", values: ["shop", "ops"] },
                    ],
                  },
                },
                { namespaceSelector: { matchLabels: { team: "shop" } } },
              ],
            },
          ],
        },
      }),
      (o) => (o["spec"] as { ingress: { from: unknown[] }[] }).ingress[0]?.from,
      [
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop-dr" } } },
        {
          namespaceSelector: {
            matchExpressions: [
              { key: "kubernetes.io/metadata.name", operator: "In", values: ["shop-dr", "ops"] },
            ],
          },
        },
        { namespaceSelector: { matchLabels: { team: "shop" } } },
      ],
    ],
    [
      "affinity terms' namespaces follow",
      obj("apps/v1", "Deployment", "web", "shop", {
        spec: {
          template: {
            spec: {
              affinity: {
                podAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    { topologyKey: "zone", namespaces: ["shop", "x"] },
                  ],
                },
              },
            },
          },
        },
      }),
      (o) => JSON.stringify(o["spec"]).includes('"namespaces":["shop-dr","x"]'),
      true,
    ],
    [
      "DNS names in strings are not rewritten",
      configMap("a", "shop", { url: "http://db.shop.svc.cluster.local" }),
      (o) => o["data"],
      { url: "http://db.shop.svc.cluster.local" },
    ],
    [
      "cross-namespace data source refs follow",
      obj("v1", "PersistentVolumeClaim", "d", "shop", {
        spec: { dataSourceRef: { kind: "VolumeSnapshot", name: "s", namespace: "shop" } },
      }),
      (o) => (o["spec"] as { dataSourceRef: unknown }).dataSourceRef,
      { kind: "VolumeSnapshot", name: "s", namespace: "shop-dr" },
    ],
  ])("%s", (_name, input, pick, expected) => {
    const before = structuredClone(input);
    expect(pick(applyNamespaceMapping(input, mapping))).toEqual(expected);
    expect(input).toEqual(before);
  });
});

describe("storage-class mapping", () => {
  const sts = obj("apps/v1", "StatefulSet", "db", "shop", {
    spec: {
      volumeClaimTemplates: [
        { metadata: { name: "data" }, spec: { storageClassName: "fast-ssd" } },
        { metadata: { name: "tmp" }, spec: {} },
      ],
    },
  });
  it.each<[string, KubeObject, (o: KubeObject) => unknown, unknown]>([
    [
      "PVC class is mapped",
      pvc("d", "shop", "1Gi", "fast-ssd"),
      (o) => (o["spec"] as { storageClassName: string }).storageClassName,
      "standard",
    ],
    [
      "unmapped class stays",
      pvc("d", "shop", "1Gi", "slow"),
      (o) => (o["spec"] as { storageClassName: string }).storageClassName,
      "slow",
    ],
    ["PVC without class stays without", pvc("d"), (o) => "storageClassName" in (o["spec"] as object), false],
    [
      "StatefulSet claim templates are mapped",
      sts,
      (o) =>
        (o["spec"] as { volumeClaimTemplates: { spec: unknown }[] }).volumeClaimTemplates.map((t) => t.spec),
      [{ storageClassName: "standard" }, {}],
    ],
    [
      "other kinds are untouched",
      configMap("a", "shop", { storageClassName: "fast-ssd" }),
      (o) => o["data"],
      { storageClassName: "fast-ssd" },
    ],
  ])("%s", (_name, input, pick, expected) => {
    expect(pick(applyStorageClassMapping(input, { "fast-ssd": "standard" }))).toEqual(expected);
  });

  it("lists the classes an export uses", () => {
    expect(
      storageClassesUsed([pvc("a", "shop", "1Gi", "slow"), sts, pvc("b"), pvc("c", "shop", "1Gi", "slow")]),
    ).toEqual(["fast-ssd", "slow"]);
  });
});

describe("startApplications: false", () => {
  const cron = (suspend?: boolean): KubeObject =>
    obj("batch/v1", "CronJob", "nightly", "shop", {
      spec: { schedule: "@daily", ...(suspend === undefined ? {} : { suspend }) },
    });
  it.each<[string, KubeObject, unknown, Record<string, string>]>([
    ["deployment with 3 replicas", deployment("web", "shop", 3), 0, { "ferry.dev/replicas": "3" }],
    ["deployment without replicas (default 1)", deployment("web"), 0, { "ferry.dev/replicas": "1" }],
    [
      "statefulset",
      obj("apps/v1", "StatefulSet", "db", "shop", { spec: { replicas: 2 } }),
      0,
      { "ferry.dev/replicas": "2" },
    ],
    [
      "replicaset",
      obj("apps/v1", "ReplicaSet", "rs", "shop", { spec: { replicas: 5 } }),
      0,
      { "ferry.dev/replicas": "5" },
    ],
    [
      "an already stopped copy keeps the true original",
      deployment("web", "shop", 0, { annotations: { "ferry.dev/replicas": "4" } }),
      0,
      { "ferry.dev/replicas": "4" },
    ],
  ])("%s is scaled to 0", (_name, input, replicas, annotations) => {
    const out = stopApplication(input);
    expect((out["spec"] as { replicas: number }).replicas).toBe(replicas);
    expect(out.metadata.annotations).toEqual(annotations);
  });

  it.each<[string, boolean | undefined, string]>([
    ["running cron job", undefined, "false"],
    ["explicitly running", false, "false"],
    ["already suspended", true, "true"],
  ])("%s is suspended, original kept", (_name, suspend, kept) => {
    const out = stopApplication(cron(suspend));
    expect((out["spec"] as { suspend: boolean }).suspend).toBe(true);
    expect(out.metadata.annotations).toEqual({ "ferry.dev/suspend": kept });
  });

  it.each<[string, KubeObject]>([
    ["config map", configMap("a")],
    ["daemon set", obj("apps/v1", "DaemonSet", "ds", "shop", { spec: {} })],
  ])("%s is left alone", (_name, input) => {
    expect(stopApplication(input)).toEqual(input);
  });

  it.each<[string, KubeObject]>([
    ["deployment", deployment("web", "shop", 3, { annotations: { keep: "x" } })],
    ["deployment without replicas", deployment("web")],
    ["statefulset", obj("apps/v1", "StatefulSet", "db", "shop", { spec: { replicas: 2 } })],
    ["running cron job", cron(false)],
    ["suspended cron job", cron(true)],
  ])("startApplication inverts stopApplication for a %s", (_name, input) => {
    const restarted = startApplication(stopApplication(input));
    const spec = restarted["spec"] as Record<string, unknown>;
    const original = input["spec"] as Record<string, unknown>;
    if (input.kind === "CronJob") expect(spec["suspend"]).toBe(original["suspend"] ?? false);
    else expect(spec["replicas"]).toBe(original["replicas"] ?? 1);
    expect(restarted.metadata.annotations).toEqual(input.metadata.annotations);
  });

  it("startApplication leaves objects Ferry did not stop alone", () => {
    const input = deployment("web", "shop", 0, { annotations: { "ferry.dev/replicas": "not-a-number" } });
    expect(startApplication(input)).toBe(input);
    expect(startApplication(configMap("a"))).toEqual(configMap("a"));
  });
});

describe("provenance", () => {
  it.each<[string, string, Record<string, string>]>([
    [
      "short names become labels too",
      "shop-to-west",
      {
        app: "x",
        "ferry.dev/managed-by": "ferry",
        "ferry.dev/migration": "shop-to-west",
        "ferry.dev/source-cluster": "east-1",
      },
    ],
    [
      "names too long for a label stay annotations",
      "m".repeat(70),
      { app: "x", "ferry.dev/managed-by": "ferry", "ferry.dev/source-cluster": "east-1" },
    ],
  ])("%s", (_name, migration, labels) => {
    const out = withProvenance(configMap("a", "shop", {}, { labels: { app: "x" } }), {
      migration,
      sourceCluster: "east-1",
      backup: "b-1",
    });
    expect(out.metadata.labels).toEqual(labels);
    expect(out.metadata.annotations).toEqual({
      "ferry.dev/migration": migration,
      "ferry.dev/source-cluster": "east-1",
      "ferry.dev/backup": "b-1",
    });
  });
});
