import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/local/errors.js";
import { fieldMatcher, labelMatcher, selectorString } from "../../../src/local/store/selectors.js";

const object = (
  labels: Record<string, string>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  metadata: { name: "x", namespace: "ns", labels },
  ...extra,
});

describe("label selectors", () => {
  it.each([
    ["", { a: "1" }, true],
    ["a=1", { a: "1" }, true],
    ["a==1", { a: "1" }, true],
    ["a=1", { a: "2" }, false],
    ["a!=1", {}, true],
    ["a!=1", { a: "1" }, false],
    ["a in (1, 2)", { a: "2" }, true],
    ["a in (1,2)", { a: "3" }, false],
    ["a notin (1,2)", {}, true],
    ["a notin (1,2)", { a: "1" }, false],
    ["a", { a: "" }, true],
    ["a", {}, false],
    ["!a", {}, true],
    ["!a", { a: "1" }, false],
    ["app=web,tier in (front),!canary", { app: "web", tier: "front" }, true],
    ["app=web,tier in (front),!canary", { app: "web", tier: "front", canary: "y" }, false],
  ])("%s on %j is %s", (selector, labels, expected) => {
    expect(labelMatcher(selector)(object(labels))).toBe(expected);
  });

  it.each(["a in 1", "a in (1", "=1", "a b"])("rejects %s with a 400", (selector) => {
    expect(() => labelMatcher(selector)).toThrow(ApiError);
    try {
      labelMatcher(selector);
    } catch (e) {
      expect((e as ApiError).code).toBe(400);
    }
  });
});

describe("field selectors", () => {
  it.each([
    ["metadata.name=x", true],
    ["metadata.name==x", true],
    ["metadata.name!=x", false],
    ["metadata.namespace=ns,status.phase=Running", true],
    ["status.phase=Pending", false],
    ["spec.nodeName=", true],
  ])("%s is %s", (selector, expected) => {
    expect(fieldMatcher(selector)(object({}, { status: { phase: "Running" } }))).toBe(expected);
  });
});

describe("selectorString", () => {
  it("renders matchLabels and matchExpressions as the server's label selector syntax", () => {
    expect(
      selectorString({
        matchLabels: { app: "web" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["a", "b"] },
          { key: "x", operator: "Exists" },
          { key: "y", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("app=web,tier in (a,b),x,!y");
  });
});
