import { describe, expect, it } from "vitest";
import { evaluatePrechecks, type PrecheckInput } from "../../../src/engine/prechecks/evaluate.js";
import { decidePrecheckOutcome } from "../../../src/engine/prechecks/outcome.js";
import { indexCrds } from "../../../src/engine/export/required-crds.js";
import type { TargetObservations } from "../../../src/engine/prechecks/observations.js";
import { configMap, crd, deployment, obj, pvc } from "./objects.js";

const widgets = crd("example.com", "Widget", "widgets");
const objects = [
  obj("v1", "Namespace", "shop"),
  configMap("settings"),
  deployment("web", "shop", 3),
  pvc("data", "shop", "10Gi", "fast-ssd"),
  widgets,
  obj("example.com/v1", "Widget", "w", "shop"),
];

const healthy: TargetObservations = {
  cluster: "west-1",
  reachability: { ok: true, serverVersion: "v1.30.1" },
  namespaces: [{ name: "shop-dr", exists: false }],
  storageClasses: [{ name: "standard", isDefault: true }],
  resourceQuotas: [],
  limitRanges: [],
  existingPvcs: [],
  servedResources: [
    { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
    { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
    {
      group: "",
      version: "v1",
      kind: "PersistentVolumeClaim",
      plural: "persistentvolumeclaims",
      namespaced: true,
    },
    { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true },
  ],
};

const input = (target: Partial<TargetObservations>, extra: Partial<PrecheckInput> = {}): PrecheckInput => ({
  migration: "shop-to-west",
  spec: {
    namespaces: ["shop"],
    namespaceMapping: { shop: "shop-dr" },
    storageClassMapping: { "fast-ssd": "standard" },
  },
  sourceVersion: "v1.30.0",
  objects,
  sourceCrds: indexCrds([widgets]),
  target: { ...healthy, ...target },
  location: { file: "environments/prod/shop.yaml", specPath: ["spec"] },
  ...extra,
});

describe("evaluatePrechecks", () => {
  it("a healthy target is compatible throughout, in a fixed order", () => {
    const results = evaluatePrechecks(input({}));
    expect(results.map((r) => `${r.check}:${r.verdict}`)).toEqual([
      "reachable:compatible",
      "version-skew:compatible",
      "namespace:compatible",
      "storage-class:compatible",
      "api-resource:compatible",
      "api-resource:compatible",
      "api-resource:compatible",
      "api-resource:compatible",
      "api-resource:compatible",
    ]);
    expect(decidePrecheckOutcome(results, "manual").proceed).toBe(true);
  });

  it("an unreachable target yields only that result", () => {
    const results = evaluatePrechecks(input({ reachability: { ok: false, error: "timeout" } }));
    expect(results.map((r) => r.verdict)).toEqual(["incompatible"]);
  });

  it.each<[string, Partial<TargetObservations>, Partial<PrecheckInput>, string]>([
    [
      "missing storage class",
      { storageClasses: [{ name: "other", isDefault: true }] },
      {},
      "storage-class:actionable",
    ],
    [
      "foreign onboarded namespace",
      { namespaces: [{ name: "shop-dr", exists: true, labels: { "kubeslice.io/slice": "s" } }] },
      {},
      "namespace:incompatible",
    ],
    [
      "too-small quota",
      {
        namespaces: [{ name: "shop-dr", exists: true }],
        resourceQuotas: [
          obj("v1", "ResourceQuota", "q", "shop-dr", { spec: { hard: { "requests.storage": "5Gi" } } }),
        ],
      },
      {},
      "quota:actionable",
    ],
    [
      "missing CRD left out of the export",
      {},
      { objects: objects.filter((o) => o !== widgets) },
      "api-resource:actionable",
    ],
    [
      "an old target",
      { reachability: { ok: true, serverVersion: "v1.27.0" } },
      {},
      "version-skew:actionable",
    ],
    ["an unobserved namespace", { namespaces: [] }, {}, "namespace:incompatible"],
  ])("%s", (_name, target, extra, expected) => {
    const results = evaluatePrechecks(input(target, extra));
    const problems = results.filter((r) => r.verdict !== "compatible").map((r) => `${r.check}:${r.verdict}`);
    expect(problems).toEqual([expected]);
  });
});
