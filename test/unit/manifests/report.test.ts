import { describe, expect, it } from "vitest";
import { createDesiredState } from "../../../src/manifests/index.js";
import { githubAnnotation, renderReport, textLine } from "../../../src/manifests/report.js";
import type { LoadResult, Problem } from "../../../src/manifests/index.js";

const problem: Problem = {
  file: "environments/prod/a,b.yaml",
  line: 12,
  column: 5,
  path: "spec.fleet",
  message: 'no Fleet named "prd"; known: dev, prod\n100% sure',
  code: "unresolved-reference",
  severity: "error",
};
const result = (problems: Problem[]): LoadResult => ({
  state: createDesiredState([]),
  problems,
  valid: !problems.some((p) => p.severity === "error"),
  files: ["clusters/prod.yaml", "environments/prod/a,b.yaml"],
});

describe("renderReport", () => {
  it.each([
    [
      problem,
      'environments/prod/a,b.yaml:12:5: error: spec.fleet: no Fleet named "prd"; known: dev, prod 100% sure',
    ],
    [
      { ...problem, path: "", severity: "warning" as const, message: "m" },
      "environments/prod/a,b.yaml:12:5: warning: m",
    ],
  ])("text: file:line:col: severity: path: message", (p, line) => {
    expect(textLine(p)).toBe(line);
  });

  it("github: a workflow command, escaped (%, CR, LF in data; also : and , in properties)", () => {
    expect(githubAnnotation(problem)).toBe(
      "::error file=environments/prod/a%2Cb.yaml,line=12,col=5,title=ferry validate%3A unresolved-reference::" +
        'spec.fleet: no Fleet named "prd"; known: dev, prod%0A100%25 sure',
    );
    expect(githubAnnotation({ ...problem, severity: "warning" })).toMatch(/^::warning file=/);
  });

  it("json: machine-readable, with counts", () => {
    const parsed = JSON.parse(renderReport(result([problem]), "json")) as Record<string, unknown>;
    expect(parsed).toEqual({
      valid: false,
      files: 2,
      objects: 0,
      errors: 1,
      warnings: 0,
      problems: [problem],
    });
  });

  it("rewrites paths for display and ends text with a summary", () => {
    const text = renderReport(result([problem]), "text", { displayPath: (f) => `repo/${f}` });
    expect(text.split("\n")).toEqual([
      'repo/environments/prod/a,b.yaml:12:5: error: spec.fleet: no Fleet named "prd"; known: dev, prod 100% sure',
      "2 files, 0 objects: 1 error",
      "",
    ]);
    expect(renderReport(result([]), "github")).toBe("2 files, 0 objects: valid\n");
  });
});
