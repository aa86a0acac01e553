import { describe, expect, it } from "vitest";
import { humanDuration } from "../../../src/local/resources/columns.js";
import { generateName, nameProblems } from "../../../src/local/store/names.js";
import { parseQuantity } from "../../../src/local/store/quantity.js";

describe("object names", () => {
  it.each([
    ["web", "subdomain", 0],
    ["web.example.com", "subdomain", 0],
    ["Web", "subdomain", 1],
    ["-web", "subdomain", 1],
    ["web.example", "label", 1],
    ["a".repeat(64), "label", 1],
    ["system:controller:x", "path", 0],
    ["a/b", "path", 1],
  ] as const)("%s as a %s has %i problem(s)", (name, rule, count) => {
    expect(nameProblems(name, rule)).toHaveLength(count);
  });

  it("generates names from a prefix with five random characters", () => {
    let i = 0;
    const name = generateName("web-", () => (i++ % 27) / 27);
    expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});

describe("ages and quantities", () => {
  it.each([
    [5_000, "5s"],
    [119_000, "119s"],
    [150_000, "2m30s"],
    [600_000, "10m"],
    [3 * 3600_000 + 60_000, "3h1m"],
    [30 * 3600_000, "30h"],
    [50 * 3600_000, "2d2h"],
    [400 * 24 * 3600_000, "400d"],
  ])("%i ms prints as %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it.each([
    ["1Gi", 2 ** 30],
    ["500m", 0.5],
    ["10", 10],
    ["1.5G", 1.5e9],
    ["2Ti", 2 * 2 ** 40],
    ["x", undefined],
  ])("%s is %s", (q, n) => {
    expect(parseQuantity(q)).toBe(n);
  });
});
