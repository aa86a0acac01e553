import { join } from "node:path";
import { Option } from "commander";
import { errorMessage } from "../../core/errors.js";
import {
  DEFAULT_STATUS_DIR,
  readStatusFiles,
  renderStatusDocument,
  type StatusDocument,
} from "../migrate/status-file.js";
import type { RegisterCommand } from "../main.js";

/**
 * `ferry status [NAME]`: the reports `ferry migrate` wrote. Without NAME a table
 * (NAME PHASE SOURCE TARGETS OBJECTS AGE); with NAME that report as YAML. Exit 1 when NAME
 * has no report.
 */
export const registerStatus: RegisterCommand = (program, setExit) => {
  program
    .command("status")
    .description("show the status of migrations run with `ferry migrate`")
    .argument("[name]", "one migration: print its full report")
    .option("--dir <dir>", "the status directory", DEFAULT_STATUS_DIR)
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "yaml"]))
    .action(async (name: string | undefined, opts: { dir: string; output?: "table" | "yaml" }) => {
      try {
        const docs = await readStatusFiles(opts.dir);
        const selected = name === undefined ? docs : docs.filter((d) => d.metadata.name === name);
        if (name !== undefined && selected.length === 0) {
          process.stderr.write(`ferry status: no status for ${name} in ${join(opts.dir)}\n`);
          setExit(1);
          return;
        }
        const yaml = opts.output === "yaml" || (opts.output === undefined && name !== undefined);
        process.stdout.write(
          yaml ? selected.map(renderStatusDocument).join("---\n") : statusTable(selected, new Date()),
        );
      } catch (e) {
        process.stderr.write(`ferry status: ${errorMessage(e)}\n`);
        setExit(1);
      }
    });
};

/** A kubectl-style table of reports. */
export function statusTable(docs: readonly StatusDocument[], now: Date): string {
  const rows = [["NAME", "PHASE", "SOURCE", "TARGETS", "OBJECTS", "AGE"]];
  for (const d of docs) {
    const s = d.status;
    rows.push([
      d.metadata.name,
      s.phase,
      s.sourceClusterStatus?.cluster ?? "-",
      s.targetClusterStatus.map((t) => t.cluster).join(",") || "-",
      s.sourceClusterStatus?.backup === undefined ? "-" : String(s.sourceClusterStatus.backup.objects),
      s.startTimestamp === undefined ? "-" : age(new Date(s.startTimestamp), now),
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd((widths[i] ?? 0) + 3))
          .join("")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/** kubectl's age: `45s`, `12m`, `5h`, `3d`. */
function age(then: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - then.getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
