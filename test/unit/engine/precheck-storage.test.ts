import { describe, expect, it } from "vitest";
import { checkStorageClasses } from "../../../src/engine/prechecks/storage-class.js";
import { checkQuotas } from "../../../src/engine/prechecks/quota.js";
import { checkLimitRanges } from "../../../src/engine/prechecks/limit-range.js";
import { checkPvcSizes } from "../../../src/engine/prechecks/pvc-size.js";
import { plannedClaims, type PlannedClaim } from "../../../src/engine/prechecks/planned-claims.js";
import type { StorageClassObservation } from "../../../src/engine/prechecks/observations.js";
import type { Verdict } from "../../../src/engine/prechecks/types.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { obj, pvc } from "./objects.js";

const location = { file: "environments/prod/shop.yaml", specPath: ["spec"] };
const classes: StorageClassObservation[] = [
  { name: "standard", isDefault: true, allowVolumeExpansion: true },
  { name: "rigid", isDefault: false, allowVolumeExpansion: false },
];

describe("checkStorageClasses", () => {
  it.each<[string, string[], Record<string, string> | undefined, StorageClassObservation[], Verdict, string]>(
    [
      ["present", ["standard"], undefined, classes, "compatible", "standard"],
      [
        "mapped to a present class",
        ["fast-ssd"],
        { "fast-ssd": "standard" },
        classes,
        "compatible",
        "fast-ssd → standard",
      ],
      ["missing", ["fast-ssd"], undefined, classes, "actionable", "fast-ssd"],
      [
        "mapped to a missing class",
        ["fast-ssd"],
        { "fast-ssd": "gold" },
        classes,
        "actionable",
        "fast-ssd → gold",
      ],
      ["target has no classes", ["fast-ssd"], undefined, [], "incompatible", "fast-ssd"],
    ],
  )("%s", (_name, sourceClasses, mapping, targetClasses, verdict, subject) => {
    const [r] = checkStorageClasses({ target: "west-1", sourceClasses, mapping, targetClasses, location });
    expect(r?.verdict).toBe(verdict);
    expect(r?.subject).toBe(subject);
  });

  it("proposes mapping the source class to the target's default, with file and YAML path", () => {
    const [r] = checkStorageClasses({
      target: "west-1",
      sourceClasses: ["fast-ssd"],
      mapping: { "fast-ssd": "gold" },
      targetClasses: classes,
      location,
    });
    expect(r?.remediation).toMatchObject({
      kind: "map-storage-class",
      manifestChange: {
        file: "environments/prod/shop.yaml",
        path: ["spec", "storageClassMapping", "fast-ssd"],
        op: "set",
        value: "standard",
      },
    });
  });

  it("uses the schedule template's spec path", () => {
    const [r] = checkStorageClasses({
      target: "west-1",
      sourceClasses: ["x"],
      mapping: undefined,
      targetClasses: classes,
      location: { specPath: ["spec", "template", "spec"] },
    });
    expect(r?.remediation?.manifestChange).toEqual({
      path: ["spec", "template", "spec", "storageClassMapping", "x"],
      op: "set",
      value: "standard",
    });
  });

  it.each<[StorageClassObservation[], Verdict]>([
    [classes, "compatible"],
    [[{ name: "rigid", isDefault: false }], "actionable"],
  ])("claims without a class need a default class (%#)", (targetClasses, verdict) => {
    const results = checkStorageClasses({
      target: "west-1",
      sourceClasses: [],
      usesDefaultClass: true,
      mapping: undefined,
      targetClasses,
      location,
    });
    expect(results.map((r) => [r.subject, r.verdict])).toEqual([["(default)", verdict]]);
  });
});

const claims: PlannedClaim[] = plannedClaims(
  [
    pvc("a", "shop", "4Gi", "fast-ssd"),
    pvc("b", "shop", "4Gi", "fast-ssd"),
    pvc("c", "blog", "100Gi", "slow"),
    obj("v1", "ConfigMap", "x", "shop"),
  ],
  { namespaceMapping: { shop: "shop-dr" }, storageClassMapping: { "fast-ssd": "standard" } },
);

describe("plannedClaims", () => {
  it("maps namespaces and classes and parses sizes", () => {
    expect(claims).toEqual([
      {
        namespace: "shop-dr",
        sourceNamespace: "shop",
        name: "a",
        storageClass: "standard",
        storage: "4Gi",
        bytes: 4 * 2 ** 30,
      },
      {
        namespace: "shop-dr",
        sourceNamespace: "shop",
        name: "b",
        storageClass: "standard",
        storage: "4Gi",
        bytes: 4 * 2 ** 30,
      },
      {
        namespace: "blog",
        sourceNamespace: "blog",
        name: "c",
        storageClass: "slow",
        storage: "100Gi",
        bytes: 100 * 2 ** 30,
      },
    ]);
  });
});

const quota = (
  hard: Record<string, string>,
  used: Record<string, string> = {},
  namespace = "shop-dr",
): KubeObject => obj("v1", "ResourceQuota", "storage", namespace, { spec: { hard }, status: { hard, used } });

describe("checkQuotas", () => {
  it.each<[string, KubeObject, string[], Verdict | undefined, RegExp]>([
    [
      "room to spare",
      quota({ "requests.storage": "20Gi", persistentvolumeclaims: "5" }),
      [],
      "compatible",
      /2 new claim/,
    ],
    [
      "storage exceeded",
      quota({ "requests.storage": "10Gi" }, { "requests.storage": "4Gi" }),
      [],
      "actionable",
      /requests\.storage: needs 8Gi more, 4Gi of 10Gi used \(raise to at least 12Gi\)/,
    ],
    [
      "claim count exceeded",
      quota({ persistentvolumeclaims: "2" }, { persistentvolumeclaims: "1" }),
      [],
      "actionable",
      /persistentvolumeclaims: needs 2 more, 1 of 2 used/,
    ],
    [
      "per-class storage exceeded",
      quota({ "standard.storageclass.storage.k8s.io/requests.storage": "5Gi" }),
      [],
      "actionable",
      /standard\.storageclass/,
    ],
    [
      "per-class count for another class",
      quota({ "gold.storageclass.storage.k8s.io/persistentvolumeclaims": "0" }),
      [],
      "compatible",
      /fit/,
    ],
    [
      "existing claims are already counted",
      quota({ "requests.storage": "8Gi" }, { "requests.storage": "4Gi" }),
      ["shop-dr/a"],
      "compatible",
      /1 new claim/,
    ],
    [
      "quota in a namespace without new claims",
      quota({ "requests.storage": "1Gi" }, {}, "other"),
      [],
      undefined,
      /./,
    ],
    ["unrelated quota keys", quota({ "requests.cpu": "1" }), [], "compatible", /fit/],
  ])("%s", (_name, q, existing, verdict, reason) => {
    const results = checkQuotas({ target: "west-1", claims, existingClaims: new Set(existing), quotas: [q] });
    expect(results[0]?.verdict).toBe(verdict);
    if (verdict !== undefined) expect(results[0]?.reason).toMatch(reason);
  });

  it("never proposes lifting a quota automatically", () => {
    const [r] = checkQuotas({
      target: "west-1",
      claims,
      existingClaims: new Set(),
      quotas: [quota({ "requests.storage": "1Gi" })],
    });
    expect(r?.remediation?.kind).toBe("raise-quota");
    expect(r?.remediation?.liveFix).toBeUndefined();
    expect(r?.remediation?.description).toMatch(/ResourceQuota shop-dr\/storage.*requests\.storage/);
  });
});

describe("checkLimitRanges", () => {
  const range = (limit: Record<string, unknown>): KubeObject =>
    obj("v1", "LimitRange", "pvc-limits", "shop-dr", {
      spec: {
        limits: [
          { type: "Container", max: { cpu: "1" } },
          { type: "PersistentVolumeClaim", ...limit },
        ],
      },
    });
  it.each<[string, KubeObject, Verdict[]]>([
    ["within", range({ max: { storage: "10Gi" }, min: { storage: "1Gi" } }), ["compatible", "compatible"]],
    ["above the maximum", range({ max: { storage: "2Gi" } }), ["incompatible", "incompatible"]],
    ["below the minimum", range({ min: { storage: "5Gi" } }), ["actionable", "actionable"]],
    [
      "no PVC limits",
      obj("v1", "LimitRange", "l", "shop-dr", { spec: { limits: [{ type: "Container" }] } }),
      [],
    ],
  ])("%s", (_name, r, verdicts) => {
    expect(
      checkLimitRanges({ target: "west-1", claims, limitRanges: [r], location }).map((x) => x.verdict),
    ).toEqual(verdicts);
  });

  it("grows a too-small claim with a resource modifier appended to the manifest", () => {
    const [r] = checkLimitRanges({
      target: "west-1",
      claims,
      limitRanges: [range({ min: { storage: "5Gi" } })],
      location,
    });
    expect(r?.remediation?.manifestChange).toEqual({
      file: "environments/prod/shop.yaml",
      path: ["spec", "resourceModifiers"],
      op: "append",
      value: {
        match: { kind: "PersistentVolumeClaim", name: "a", namespace: "shop" },
        patch: [{ op: "replace", path: "/spec/resources/requests/storage", value: "5Gi" }],
      },
    });
  });
});

describe("checkPvcSizes", () => {
  it.each<[string, KubeObject, Verdict | undefined, string | undefined]>([
    ["existing claim large enough", pvc("a", "shop-dr", "4Gi", "standard"), "compatible", undefined],
    ["existing claim larger", pvc("a", "shop-dr", "8Gi", "standard"), "compatible", undefined],
    ["existing claim smaller, expandable", pvc("a", "shop-dr", "1Gi", "standard"), "actionable", "grow-pvc"],
    [
      "existing claim smaller, not expandable",
      pvc("a", "shop-dr", "1Gi", "rigid"),
      "incompatible",
      "grow-pvc",
    ],
    ["an unrelated claim", pvc("zzz", "shop-dr", "1Gi", "standard"), undefined, undefined],
  ])("%s", (_name, live, verdict, remediation) => {
    const [r] = checkPvcSizes({ target: "west-1", claims, existingPvcs: [live], storageClasses: classes });
    expect(r?.verdict).toBe(verdict);
    expect(r?.remediation?.kind).toBe(remediation);
  });

  it("the live fix grows the claim to the source's size", () => {
    const [r] = checkPvcSizes({
      target: "west-1",
      claims,
      existingPvcs: [pvc("a", "shop-dr", "1Gi", "standard")],
      storageClasses: classes,
    });
    expect(r?.remediation?.liveFix).toEqual({
      kind: "grow-pvc",
      cluster: "west-1",
      namespace: "shop-dr",
      name: "a",
      storage: "4Gi",
    });
  });
});
