import { describe, expect, it } from "vitest";
import { kindAllowed, kindEntryMatches, type KindInfo } from "../../../src/engine/export/kind-filter.js";
import type { ResourceFilter } from "../../../src/manifests/types.js";

const deploy: KindInfo = { group: "apps", kind: "Deployment", plural: "deployments", shortNames: ["deploy"] };
const cm: KindInfo = { group: "", kind: "ConfigMap", plural: "configmaps", shortNames: ["cm"] };
const widget: KindInfo = { group: "example.com", kind: "Widget" };

describe("kindEntryMatches", () => {
  it.each<[string, KindInfo, boolean]>([
    ["Deployment", deploy, true],
    ["deployment", deploy, true],
    ["deployments", deploy, true],
    ["deploy", deploy, true],
    ["Deployment.apps", deploy, true],
    ["deployments.apps", deploy, true],
    ["deployments.extensions", deploy, false],
    ["*", deploy, true],
    [" configmaps ", cm, true],
    ["cm", cm, true],
    ["configmaps.core", cm, false],
    ["Widget.example.com", widget, true],
    ["widgets", widget, false], // no discovery facts: the plural is unknown
    ["StatefulSet", deploy, false],
  ])("%s vs %j → %s", (entry, info, expected) => {
    expect(kindEntryMatches(entry, info)).toBe(expected);
  });
});

describe("kindAllowed", () => {
  it.each<[string, ResourceFilter | undefined, KindInfo, boolean]>([
    ["no filter", undefined, deploy, true],
    ["empty lists", { includeKinds: [], excludeKinds: [] }, deploy, true],
    ["included", { includeKinds: ["deployments"] }, deploy, true],
    ["not in include list", { includeKinds: ["deployments"] }, cm, false],
    ["excluded", { excludeKinds: ["ConfigMap"] }, cm, false],
    ["exclusion wins over inclusion", { includeKinds: ["*"], excludeKinds: ["cm"] }, cm, false],
    ["exclusion of another kind", { excludeKinds: ["secrets"] }, cm, true],
  ])("%s", (_name, filter, info, expected) => {
    expect(kindAllowed(info, filter)).toBe(expected);
  });
});
