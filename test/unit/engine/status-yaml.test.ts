import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { canonicalOrder, renderStatusYaml } from "../../../src/engine/status/render-yaml.js";

describe("renderStatusYaml", () => {
  it("is the same whatever order keys were built in", () => {
    const a = {
      phase: "Completed",
      progress: { itemsTotal: 2, itemsDone: 2 },
      conditions: [{ type: "SourceReady", status: "True" }],
      zeta: 1,
      alpha: 2,
    };
    const b = {
      alpha: 2,
      zeta: 1,
      conditions: [{ status: "True", type: "SourceReady" }],
      progress: { itemsDone: 2, itemsTotal: 2 },
      phase: "Completed",
    };
    expect(renderStatusYaml(a)).toBe(renderStatusYaml(b));
  });

  it("puts well-known keys first, in order, then the rest alphabetically", () => {
    expect(
      Object.keys(canonicalOrder({ zeta: 1, progress: {}, alpha: 2, phase: "x", conditions: [] }) as object),
    ).toEqual(["phase", "conditions", "progress", "alpha", "zeta"]);
  });

  it("round-trips, drops undefined and never folds long lines", () => {
    const long = "x".repeat(300);
    const text = renderStatusYaml({
      phase: "Failed",
      message: long,
      missing: undefined,
      list: [{ b: 1, a: 2 }],
    });
    expect(parse(text)).toEqual({ phase: "Failed", message: long, list: [{ a: 2, b: 1 }] });
    expect(text).toContain(`message: ${long}\n`);
  });

  it("renders a whole status document with apiVersion and kind first", () => {
    const text = renderStatusYaml({
      status: { phase: "Completed" },
      metadata: { name: "m" },
      kind: "Migration",
      apiVersion: "ferry.dev/v1alpha1",
    });
    expect(text).toBe(
      "apiVersion: ferry.dev/v1alpha1\nkind: Migration\nmetadata:\n  name: m\nstatus:\n  phase: Completed\n",
    );
  });

  it("repeats shared objects instead of using YAML aliases", () => {
    const shared = { a: 1 };
    expect(renderStatusYaml({ x: shared, y: shared })).not.toContain("&");
  });
});
