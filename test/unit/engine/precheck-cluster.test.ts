import { describe, expect, it } from "vitest";
import { checkApiResources } from "../../../src/engine/prechecks/api-resources.js";
import { checkVersionSkew, parseKubeVersion } from "../../../src/engine/prechecks/version-skew.js";
import { checkReachable } from "../../../src/engine/prechecks/reachability.js";
import { indexCrds } from "../../../src/engine/export/required-crds.js";
import type { KubeObject, ResourceType } from "../../../src/engine/kube-object.js";
import type { Verdict } from "../../../src/engine/prechecks/types.js";
import { configMap, crd, deployment, obj } from "./objects.js";

describe("checkReachable", () => {
  it.each<[Parameters<typeof checkReachable>[1], Verdict, RegExp]>([
    [{ ok: true, serverVersion: "v1.30.2" }, "compatible", /v1\.30\.2/],
    [{ ok: false, error: "connect ECONNREFUSED 127.0.0.1:6443" }, "incompatible", /ECONNREFUSED/],
  ])("%j", (reachability, verdict, reason) => {
    const r = checkReachable("west-1", reachability);
    expect(r.verdict).toBe(verdict);
    expect(r.reason).toMatch(reason);
  });
});

describe("version skew", () => {
  it.each<[string, { major: number; minor: number } | undefined]>([
    ["v1.30.2", { major: 1, minor: 30 }],
    ["1.29", { major: 1, minor: 29 }],
    ["v1.28.3+k3s1", { major: 1, minor: 28 }],
    ["v1.27.1-eks-abc", { major: 1, minor: 27 }],
    ["latest", undefined],
  ])("parses %s", (text, version) => {
    expect(parseKubeVersion(text)).toEqual(version);
  });

  it.each<[string, string, number | undefined, Verdict]>([
    ["v1.30.0", "v1.30.5", undefined, "compatible"],
    ["v1.30.0", "v1.33.0", undefined, "compatible"],
    ["v1.30.0", "v1.29.0", undefined, "compatible"],
    ["v1.30.0", "v1.28.0", undefined, "actionable"],
    ["v1.30.0", "v1.28.0", 2, "compatible"],
    ["v1.30.0", "v2.1.0", undefined, "incompatible"],
    ["v1.30.0", "weird", undefined, "actionable"],
  ])("%s → %s (max %s)", (sourceVersion, targetVersion, maxMinorSkew, verdict) => {
    const r = checkVersionSkew({
      target: "west-1",
      sourceVersion,
      targetVersion,
      ...(maxMinorSkew === undefined ? {} : { maxMinorSkew }),
    });
    expect(r.verdict).toBe(verdict);
  });
});

describe("checkApiResources", () => {
  const served: ResourceType[] = [
    { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
    { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true },
    { group: "example.com", version: "v1beta1", kind: "Gadget", plural: "gadgets", namespaced: true },
  ];
  const widgets = crd("example.com", "Widget", "widgets");
  const sourceCrds = indexCrds([widgets, crd("example.com", "Gadget", "gadgets", ["v1"])]);
  const widget = obj("example.com/v1", "Widget", "w", "shop");

  it.each<[string, KubeObject[], Verdict, string | undefined, RegExp]>([
    ["a served built-in", [configMap("a")], "compatible", undefined, /served/],
    [
      "a built-in in an unserved version",
      [obj("apps/v1beta1", "Deployment", "d", "shop")],
      "incompatible",
      undefined,
      /only as apps\/v1/,
    ],
    ["a built-in the target lacks", [obj("v1", "Thing", "t", "shop")], "incompatible", undefined, /no CRD/],
    [
      "a custom kind whose CRD travels with the export",
      [widgets, widget],
      "compatible",
      undefined,
      /restored before/,
    ],
    [
      "a custom kind whose CRD was left out",
      [widget],
      "actionable",
      "include-crd",
      /does not include CRD widgets\.example\.com/,
    ],
    [
      "a custom kind served only in another version",
      [obj("example.com/v1", "Gadget", "g", "shop")],
      "incompatible",
      undefined,
      /only as example\.com\/v1beta1/,
    ],
  ])("%s", (_name, objects, verdict, remediation, reason) => {
    const results = checkApiResources({ target: "west-1", objects, sourceCrds, served });
    expect(results).toHaveLength(1);
    expect(results[0]?.verdict).toBe(verdict);
    expect(results[0]?.remediation?.kind === "include-crd" ? "include-crd" : undefined).toBe(remediation);
    expect(results[0]?.reason).toMatch(reason);
  });

  it("checks each type once and offers applying the CRD live", () => {
    const results = checkApiResources({
      target: "west-1",
      objects: [widget, obj("example.com/v1", "Widget", "w2", "shop"), deployment("d")],
      sourceCrds,
      served,
    });
    expect(results.map((r) => r.subject)).toEqual(["example.com/v1 Widget", "apps/v1 Deployment"]);
    expect(results[0]?.remediation?.liveFix).toEqual({
      kind: "apply-crd",
      cluster: "west-1",
      crd: "widgets.example.com",
    });
  });
});
