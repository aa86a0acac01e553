import { describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { assertValidKey, assertValidPrefix } from "../../../src/repository/keys.js";

function codeOf(f: () => void): string | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    return isFerryError(err) ? err.code : "not a FerryError";
  }
}

describe("object keys", () => {
  it.each([
    ["config.json", undefined],
    ["objects/ab/abcdef", undefined],
    ["backups/shop-2026.1/manifest.json", undefined],
    [".hidden", undefined],
    ["", "Invalid"],
    ["/abs", "Invalid"],
    ["a//b", "Invalid"],
    ["a/", "Invalid"],
    ["a/../b", "Invalid"],
    ["./a", "Invalid"],
    ["a\\b", "Invalid"],
    ["a\0b", "Invalid"],
    ["x/.ferry-tmp-123", "Invalid"],
  ])("key %j → %s", (key, code) => {
    expect(codeOf(() => assertValidKey(key))).toBe(code);
  });

  it.each([
    ["", undefined],
    ["objects/", undefined],
    ["objects/a", undefined],
    ["objects/.ferry-tmp", undefined],
    ["/", "Invalid"],
    ["../", "Invalid"],
    ["a//", "Invalid"],
  ])("prefix %j → %s", (prefix, code) => {
    expect(codeOf(() => assertValidPrefix(prefix))).toBe(code);
  });
});
