import { describe, expect, it } from "vitest";
import { formatBytes, parseQuantity } from "../../../src/engine/quantity.js";

describe("parseQuantity", () => {
  it.each<[string | number, number]>([
    ["1Gi", 2 ** 30],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["500Mi", 500 * 2 ** 20],
    ["10G", 10e9],
    ["1k", 1000],
    ["100m", 0.1],
    ["1e3", 1000],
    ["2E", 2e18],
    ["1Ei", 2 ** 60],
    [" 42 ", 42],
    [".5Ki", 512],
    [7, 7],
  ])("%s → %d", (text, value) => {
    expect(parseQuantity(text)).toEqual({ ok: true, value });
  });

  it.each<string | number>(["", "Gi", "1 Gi", "1GiB", "abc", "1.2.3", Number.NaN])(
    "%s is not a quantity",
    (text) => {
      expect(parseQuantity(text).ok).toBe(false);
    },
  );
});

describe("formatBytes", () => {
  it.each<[number, string]>([
    [2 ** 30, "1Gi"],
    [1.5 * 2 ** 30, "1536Mi"],
    [10 * 2 ** 40, "10Ti"],
    [1000, "1000"],
    [1024, "1Ki"],
  ])("%d → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
