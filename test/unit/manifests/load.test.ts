import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fastParse } from "../../../src/manifests/fast-parse.js";
import { createManifestValidator, loadDesiredState, memoryTree } from "../../../src/manifests/index.js";
import { exampleFiles } from "../../helpers/example-repo.js";

const H = "apiVersion: ferry.dev/v1alpha1\n";

describe("loadDesiredState", () => {
  it("reports every problem of every file in one pass, sorted by place", async () => {
    const files = {
      ...(await exampleFiles()),
      "environments/prod/a.yaml": `${H}kind: Fleet\nmetadata: {name: Bad}\nspec: {clusters: []}\n---\n${H}kind: Nope\n`,
      "policies/b.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: b}\npolicy: {daily: {time: "25:00PM"}}\n`,
      "clusters/c.yaml": "key: [unclosed\n",
    };
    const result = await loadDesiredState(memoryTree(files));
    expect(
      result.problems.filter((p) => p.severity === "error").map((p) => [p.file, p.line, p.code]),
    ).toEqual([
      ["clusters/c.yaml", 2, "yaml-syntax"],
      ["environments/prod/a.yaml", 3, "invalid-name"],
      ["environments/prod/a.yaml", 7, "unknown-kind"],
      ["policies/b.yaml", 4, "invalid-time"],
    ]);
    // The valid objects still load: later stages (plan) can work with what is good.
    expect(result.state.get("Cluster", "east-1")).toBeDefined();
  });

  it("warns about a kind outside its folder without failing", async () => {
    const files = {
      ...(await exampleFiles()),
      "clusters/policy.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: odd}\npolicy: {interval: {intervalMinutes: 5}}\n`,
    };
    const result = await loadDesiredState(memoryTree(files));
    expect(result.valid).toBe(true);
    expect(result.problems).toEqual([
      expect.objectContaining({
        file: "clusters/policy.yaml",
        line: 2,
        path: "kind",
        code: "misplaced-kind",
        severity: "warning",
      }),
    ]);
  });

  it("loads anchors, aliases and explicit tags through the yaml parser, with their values", async () => {
    const files = {
      ...(await exampleFiles()),
      "policies/anchored.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: a1}\npolicy: {daily: {time: "1:00AM"}}\n---\n${H}kind: SchedulePolicy\nmetadata:\n  name: a2\n  labels: &l {team: db}\n  annotations: *l\npolicy: {interval: {intervalMinutes: !!int "7"}}\n`,
    };
    const result = await loadDesiredState(memoryTree(files));
    expect(result.problems).toEqual([]);
    expect(result.state.get("SchedulePolicy", "a2")?.manifest.policy).toEqual({
      interval: { intervalMinutes: 7 },
    });
    expect(result.state.get("SchedulePolicy", "a2")?.location).toEqual({
      file: "policies/anchored.yaml",
      line: 6,
      column: 1,
    });
  });

  it("ignores files outside clusters/, policies/ and environments/<env>/ and non-YAML files", async () => {
    const files = {
      ...(await exampleFiles()),
      "README.md": "# not a manifest",
      ".github/workflows/ci.yaml": "on: push",
      "environments/top-level.yaml": "garbage: [",
      "environments/prod/notes.txt": "garbage: [",
      "clusters/nested/deeper.yaml": "garbage: [",
      "environments/prod/.hidden.yaml": "garbage: [",
    };
    const result = await loadDesiredState(memoryTree(files));
    expect(result.problems).toEqual([]);
    expect(result.files).not.toContain("README.md");
  });

  it("gives fields' positions to later checks through locate, on both parse paths", async () => {
    const result = await loadDesiredState(memoryTree(await exampleFiles()));
    const migration = result.state.get("Migration", "shop-to-west");
    expect(migration?.locate(["spec", "targets", 1, "cluster"])).toEqual({
      file: "environments/prod/shop-migration.yaml",
      line: 10,
      column: 45,
    });
    expect(migration?.locate(["spec", "resourceFilter"])).toMatchObject({ line: 12, column: 3 });
    // A path that leaves the document stops at the nearest ancestor.
    expect(migration?.locate(["spec", "nothing", "here"])).toMatchObject({ line: 7, column: 1 });
  });

  it("can skip the cross-object checks", async () => {
    const files = {
      "environments/prod/m.yaml": `${H}kind: VolumeGroup\nmetadata: {name: g, namespace: ns}\nspec: {pvcs: [a]}\n`,
    };
    const validator = createManifestValidator();
    expect(
      (await loadDesiredState(memoryTree(files), { validator, semanticChecks: false })).problems,
    ).toEqual([]);
  });
});

describe("odd documents", () => {
  const policy = `${H}kind: SchedulePolicy\nmetadata: {name: p}\npolicy: {interval: {intervalMinutes: 5}}\n`;
  it.each([
    ["leading and trailing separators", `---\n${policy}---\n`],
    ["empty documents between", `${policy}---\n---\n# only a comment\n---\n~\n`],
  ])("skips empty documents: %s", async (_name, text) => {
    const result = await loadDesiredState(memoryTree({ "policies/p.yaml": text }));
    expect(result.problems).toEqual([]);
    expect(result.state.get("SchedulePolicy", "p")?.location).toMatchObject({ file: "policies/p.yaml" });
  });

  it("summarises a file with very many problems", async () => {
    const result = await loadDesiredState(memoryTree({ "policies/p.yaml": "[]\n---\n".repeat(1000) }));
    expect(result.problems).toHaveLength(101);
    expect(result.problems[100]).toMatchObject({
      code: "too-many-problems",
      message: "900 more problems in this file not shown",
    });
  });

  it("refuses deep nesting through complex keys", async () => {
    const result = await loadDesiredState(memoryTree({ "policies/p.yaml": `${"? ".repeat(3000)}x\n` }));
    expect(result.problems).toEqual([expect.objectContaining({ line: 1, code: "yaml-syntax" })]);
  });
});

describe("the fast path reads plain scalars exactly as the yaml library's YAML 1.2 core schema", () => {
  const scalars = [
    "010",
    "0o14",
    "0x1F",
    "0b101",
    "1_000",
    "+12",
    "-3",
    "1.5",
    ".5",
    "1e3",
    "1.0e-2",
    ".inf",
    "-.Inf",
    ".NaN",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "True",
    "FALSE",
    "tRUE",
    "~",
    "null",
    "Null",
    "NULL",
    "",
    "2024-01-01",
    "10:14PM",
    "12:30",
    "1:02:03",
    "0",
    "-0",
    "0.",
    "'quoted 1'",
    '"2"',
    "0o8",
    "0xG",
  ];
  it.each(scalars)("%j", (scalar) => {
    const text = `value: ${scalar}\n`;
    const fast = fastParse(text);
    expect(fast).toBeDefined();
    expect(fast?.[0]).toEqual(parse(text));
  });

  it.each([
    ["anchors", "a: &x 1\nb: *x\n"],
    ["tags", "a: !!str 1\n"],
    ["duplicate keys", "a: 1\na: 2\n"],
    ["scalar documents", "just text\n"],
    ["list documents", "- a\n"],
    ["syntax errors", "a: [1\n"],
  ])("hands %s to the yaml path", (_name, text) => {
    expect(fastParse(text)).toBeUndefined();
  });
});
