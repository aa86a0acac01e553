import { stat } from "node:fs/promises";
import * as fs from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { Option } from "commander";
import { isFerryError } from "../../core/errors.js";
import { directoryTree } from "../../manifests/tree-dir.js";
import { gitTree } from "../../manifests/tree-git.js";
import { loadDesiredState } from "../../manifests/load.js";
import { renderReport, REPORT_FORMATS, type ReportFormat } from "../../manifests/report.js";
import type { RegisterCommand } from "../main.js";

/**
 * `ferry validate [DIR] [--format text|json|github] [--ref REV]`: loads the desired state of
 * a directory (or of a commit, without a checkout) and prints every problem. Exit 0 when
 * valid, 1 when not, 2 on usage errors.
 */
export const registerValidate: RegisterCommand = (program, setExit) => {
  program
    .command("validate")
    .description("check a desired-state repo: schemas, references, fleets, volumes, schedules")
    .argument("[dir]", "the desired-state repo (with clusters/, policies/, environments/)", ".")
    .addOption(new Option("--format <format>", "output format").choices(REPORT_FORMATS).default("text"))
    .option("--ref <rev>", "validate this Git revision of DIR (branch, tag or commit) instead of its files")
    .action(async (dir: string, opts: { format: ReportFormat; ref?: string }) => {
      const root = resolve(dir);
      const info = await stat(root).catch(() => undefined);
      if (info === undefined || !info.isDirectory()) {
        process.stderr.write(`ferry validate: ${dir} is not a directory\n`);
        setExit(2);
        return;
      }
      const source = opts.ref === undefined ? directoryTree(root) : gitTree({ fs, dir: root, ref: opts.ref });
      let result;
      try {
        result = await loadDesiredState(source);
      } catch (e) {
        if (isFerryError(e, "NotFound")) {
          process.stderr.write(`ferry validate: ${e.message}\n`);
          setExit(2);
          return;
        }
        throw e;
      }
      // Paths relative to the cwd: clickable in a terminal, and what GitHub expects of
      // annotations when the check runs at the repository root.
      const displayPath = (file: string): string => {
        const shown = relative(process.cwd(), resolve(root, ...file.split("/")));
        return (isAbsolute(shown) ? shown : shown.split(sep).join("/")) || file;
      };
      process.stdout.write(renderReport(result, opts.format, { displayPath }));
      setExit(result.valid ? 0 : 1);
    });
};
