import { describe, expect, it } from "vitest";
import type { Manifest } from "../../../src/manifests/types.js";
import { buildPlan } from "../../../src/plan/plan.js";
import { renderPlanJson } from "../../../src/plan/render-json.js";
import { renderPlanMarkdown } from "../../../src/plan/render-markdown.js";
import { renderPlanText } from "../../../src/plan/render-text.js";
import type { Plan } from "../../../src/plan/types.js";
import { baseManifests, edit, state } from "./fixtures.js";

const NOW = new Date("2019-02-14T21:00:00Z");
const base = baseManifests();
const spec = (m: Manifest): Record<string, unknown> =>
  (m as unknown as { spec: Record<string, unknown> }).spec;

function planOf(head: readonly Manifest[]): Plan {
  return buildPlan({
    base: state(base),
    head: state(head),
    baseLabel: "main",
    headLabel: "feature",
    now: NOW,
  });
}

const failover = edit(
  edit(base, "VolumeReplication", "pg-dr", (m) => {
    const s = spec(m);
    [s["source"], s["target"]] = [s["target"], s["source"]];
    return m;
  }),
  "Migration",
  "shop-to-west",
  () => undefined,
);
const withSecretAndMarkup = edit(failover, "Cluster", "east-1", (m) => ({
  ...m,
  metadata: { ...m.metadata, annotations: { password: "hunter2", note: "<img src=x> | *bold* `tick`" } },
}));

describe("renderPlanMarkdown", () => {
  it("has a summary line, a table row per object and field details", () => {
    const md = renderPlanMarkdown(planOf(failover));
    const lines = md.split("\n");
    expect(lines[0]).toBe("### Ferry plan: 0 to add, 1 to change, 1 to remove");
    expect(md).toContain("Comparing `main` → `feature`.");
    expect(md).toContain("| | Object | What Ferry will do |");
    expect(md).toMatch(
      /\| ✏️ \| VolumeReplication shop\/pg-dr \| ⚠️ VolumeReplication shop\/pg-dr: source and target swapped/,
    );
    expect(md).toMatch(/\| ➖ \| Migration shop\/shop-to-west \| Migration shop\/shop-to-west removed/);
    expect(md).toContain("> [!WARNING]");
    expect(md).toContain('| `spec.source.cluster` | `"east-1"` | `"west-1"` |');
    expect(md).toContain("<details><summary>✏️ VolumeReplication shop/pg-dr — m9.yaml:1</summary>");
  });

  it("escapes markup and hides secrets", () => {
    const md = renderPlanMarkdown(planOf(withSecretAndMarkup));
    expect(md).not.toContain("hunter2");
    // Manifest values only appear inside code spans, where markup is not rendered.
    expect(md.split("\n").filter((l) => l.includes("<img"))).toEqual([
      '| `metadata.annotations` | `(none)` | `{"password":"[REDACTED]","note":"<img src=x> ¦ *bold* \'tick\'"}` |',
    ]);
    expect(md).toContain("[REDACTED]");
  });

  it("says so when nothing changed", () => {
    const md = renderPlanMarkdown(planOf(base));
    expect(md).toContain("### Ferry plan: no changes");
    expect(md).toContain("Ferry has nothing to do.");
  });
});

describe("renderPlanText", () => {
  it("lists each object with its sign, action and fields", () => {
    const text = renderPlanText(planOf(withSecretAndMarkup));
    expect(text.split("\n")[0]).toBe("Plan main → feature: 0 to add, 2 to change, 1 to remove.");
    expect(text).toContain("~ Cluster east-1 (m1.yaml:1)");
    expect(text).toContain(
      '      metadata.annotations: (none) → {"password":"[REDACTED]","note":"<img src=x> | *bold* `tick`"}',
    );
    expect(text).toContain("    WARNING: VolumeReplication shop/pg-dr: source and target swapped");
    expect(text).toContain("- Migration shop/shop-to-west (m7.yaml:1)");
    expect(text).not.toContain("hunter2");
  });
});

describe("renderPlanJson", () => {
  it("is machine-readable, with counts and redacted fields", () => {
    const doc = JSON.parse(renderPlanJson(planOf(withSecretAndMarkup))) as {
      summary: Record<string, number>;
      objects: {
        change: string;
        kind: string;
        name: string;
        namespace?: string;
        severity: string;
        fields: { path: string; before?: unknown; after?: unknown }[];
      }[];
    };
    expect(doc.summary).toEqual({ added: 0, changed: 2, removed: 1, unchanged: 8 });
    expect(doc.objects.map((o) => [o.change, o.kind, o.namespace ?? "", o.name, o.severity])).toEqual([
      ["changed", "Cluster", "", "east-1", "info"],
      ["removed", "Migration", "shop", "shop-to-west", "info"],
      ["changed", "VolumeReplication", "shop", "pg-dr", "warning"],
    ]);
    expect(doc.objects[0]?.fields).toEqual([
      {
        path: "metadata.annotations",
        after: { password: "[REDACTED]", note: "<img src=x> | *bold* `tick`" },
      },
    ]);
  });
});
