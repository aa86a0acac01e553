import { describe, expect, it } from "vitest";
import { labelSelectorToString, matchesLabelSelector } from "../../../src/engine/export/label-selector.js";
import type { LabelSelector } from "../../../src/manifests/types.js";

const labels = { app: "shop", tier: "web", env: "" };

describe("matchesLabelSelector", () => {
  it.each<[string, LabelSelector | undefined, Record<string, string> | undefined, boolean]>([
    ["no selector matches everything", undefined, labels, true],
    ["empty selector matches everything", {}, undefined, true],
    ["matchLabels equal", { matchLabels: { app: "shop" } }, labels, true],
    ["matchLabels differ", { matchLabels: { app: "blog" } }, labels, false],
    ["matchLabels key missing", { matchLabels: { team: "a" } }, labels, false],
    ["matchLabels on object without labels", { matchLabels: { app: "shop" } }, undefined, false],
    ["matchLabels empty value", { matchLabels: { env: "" } }, labels, true],
    ["In hit", { matchExpressions: [{ key: "tier", operator: "In", values: ["db", "web"] }] }, labels, true],
    ["In miss", { matchExpressions: [{ key: "tier", operator: "In", values: ["db"] }] }, labels, false],
    [
      "In on missing key",
      { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] },
      labels,
      false,
    ],
    ["NotIn hit", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["web"] }] }, labels, false],
    ["NotIn miss", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] }, labels, true],
    [
      "NotIn matches a missing key",
      { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] },
      labels,
      true,
    ],
    ["Exists", { matchExpressions: [{ key: "app", operator: "Exists" }] }, labels, true],
    ["Exists with empty value", { matchExpressions: [{ key: "env", operator: "Exists" }] }, labels, true],
    ["Exists missing", { matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels, false],
    ["DoesNotExist missing", { matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels, true],
    ["DoesNotExist present", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, labels, false],
    [
      "all requirements must hold",
      { matchLabels: { app: "shop" }, matchExpressions: [{ key: "tier", operator: "In", values: ["db"] }] },
      labels,
      false,
    ],
    [
      "labels and expressions together",
      {
        matchLabels: { app: "shop" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["web"] },
          { key: "zone", operator: "DoesNotExist" },
        ],
      },
      labels,
      true,
    ],
  ])("%s", (_name, selector, objectLabels, expected) => {
    expect(matchesLabelSelector(selector, objectLabels)).toBe(expected);
  });

  it("does not treat inherited properties as labels", () => {
    expect(matchesLabelSelector({ matchExpressions: [{ key: "toString", operator: "Exists" }] }, {})).toBe(
      false,
    );
  });
});

describe("labelSelectorToString", () => {
  it.each<[LabelSelector | undefined, string]>([
    [undefined, ""],
    [{}, ""],
    [{ matchLabels: { app: "shop", tier: "web" } }, "app=shop,tier=web"],
    [{ matchExpressions: [{ key: "tier", operator: "In", values: ["db", "web"] }] }, "tier in (db,web)"],
    [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] }, "tier notin (db)"],
    [
      {
        matchExpressions: [
          { key: "app", operator: "Exists" },
          { key: "legacy", operator: "DoesNotExist" },
        ],
      },
      "app,!legacy",
    ],
    [{ matchLabels: { app: "shop" }, matchExpressions: [{ key: "x", operator: "Exists" }] }, "app=shop,x"],
  ])("%j → %s", (selector, expected) => {
    expect(labelSelectorToString(selector)).toBe(expected);
  });
});
