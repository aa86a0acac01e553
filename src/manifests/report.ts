import type { LoadResult, Problem } from "./types.js";

export type ReportFormat = "text" | "json" | "github";
export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "json", "github"];

export interface ReportOptions {
  /** Rewrites a tree-relative file into the path to print (relative to the cwd or the repo root). */
  readonly displayPath?: (file: string) => string;
}

/**
 * Renders a load result for people (`text`: `file:line:col: error: path: message`), programs
 * (`json`) or GitHub Actions (`github`: workflow-command annotations). Pure.
 */
export function renderReport(result: LoadResult, format: ReportFormat, options: ReportOptions = {}): string {
  const display = options.displayPath ?? ((file: string) => file);
  const problems = result.problems.map((p) => ({ ...p, file: display(p.file) }));
  switch (format) {
    case "json":
      return `${JSON.stringify(
        {
          valid: result.valid,
          files: result.files.length,
          objects: result.state.objects.length,
          errors: count(problems, "error"),
          warnings: count(problems, "warning"),
          problems,
        },
        null,
        2,
      )}\n`;
    case "github":
      return problems.map((p) => `${githubAnnotation(p)}\n`).join("") + `${summary(result)}\n`;
    case "text":
      return problems.map((p) => `${textLine(p)}\n`).join("") + `${summary(result)}\n`;
  }
}

/** `environments/prod/a.yaml:12:5: error: spec.fleet: no Fleet named "prd"`. */
export function textLine(p: Problem): string {
  const path = p.path === "" ? "" : `${p.path}: `;
  // One problem per line, so that editors and grep can read the output.
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${path}${p.message.replace(/\s*\n\s*/g, " ")}`;
}

/** `::error file=F,line=L,col=C,title=…::message`, escaped as GitHub's workflow commands require. */
export function githubAnnotation(p: Problem): string {
  const command = p.severity === "error" ? "error" : "warning";
  const properties = [
    `file=${escapeProperty(p.file)}`,
    `line=${p.line}`,
    `col=${p.column}`,
    `title=${escapeProperty(`ferry validate: ${p.code}`)}`,
  ].join(",");
  const path = p.path === "" ? "" : `${p.path}: `;
  return `::${command} ${properties}::${escapeData(`${path}${p.message}`)}`;
}

// https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function count(problems: readonly Problem[], severity: Problem["severity"]): number {
  return problems.filter((p) => p.severity === severity).length;
}

/** `8 files, 20 objects: valid` or `8 files, 20 objects: 2 errors, 1 warning`. */
export function summary(result: LoadResult): string {
  const errors = count(result.problems, "error");
  const warnings = count(result.problems, "warning");
  const head = `${result.files.length} file${result.files.length === 1 ? "" : "s"}, ${result.state.objects.length} object${result.state.objects.length === 1 ? "" : "s"}`;
  if (errors === 0 && warnings === 0) return `${head}: valid`;
  const parts = [`${errors} error${errors === 1 ? "" : "s"}`];
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return `${head}: ${errors === 0 ? "valid, " : ""}${parts.join(", ")}`;
}
