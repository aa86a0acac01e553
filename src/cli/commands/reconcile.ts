import { errorMessage, isFerryError } from "../../core/errors.js";
import { reconcileOnce } from "../../controller/controller.js";
import { createLogger } from "../../controller/logger.js";
import type { RegisterCommand } from "../main.js";
import { controllerOptions, sharedFlags, type SharedFlags } from "./controller-options.js";

interface ReconcileFlags extends SharedFlags {
  once?: boolean;
  logLevel: string;
}

/**
 * `ferry reconcile --once`: one reconcile of the branch tip, then exit. Prints what was done.
 * Exit 0 when everything reconciled is fine, 1 when the commit is invalid or an object
 * failed, 2 usage.
 */
export const registerReconcile: RegisterCommand = (program, setExit) => {
  const command = program.command("reconcile").description("reconcile the desired-state repo once");
  sharedFlags(command)
    .option("--once", "reconcile once and exit (the only mode; `ferry run` loops)")
    .option("--log-level <level>", "debug, info, warn or error", "warn")
    .action(async (flags: ReconcileFlags) => {
      const logger = createLogger({ level: flags.logLevel as "warn" });
      try {
        const summary = await reconcileOnce(controllerOptions(flags, logger));
        const lines = [
          `reconciled ${summary.commit.slice(0, 12)}: ${summary.valid ? "valid" : "INVALID (see status/_validation.yaml)"}, ${summary.actions} action(s) in ${Math.round(summary.durationMs)} ms`,
          ...summary.outcomes.map(
            (o) =>
              `  ${o.action.padEnd(16)} ${o.path}${o.phase === undefined ? "" : `  ${o.phase}`}${o.error === undefined ? "" : `  error: ${o.error}`}${o.remediation === undefined ? "" : `  remediation: ${o.remediation.pullRequest?.url ?? o.remediation.branch}`}`,
          ),
          summary.statusCommit === undefined
            ? "status: nothing to commit"
            : `status: committed ${summary.statusCommit.slice(0, 12)} on ${flags.statusBranch}`,
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
        const failed =
          !summary.valid ||
          summary.outcomes.some(
            (o) => o.error !== undefined || (o.phase !== undefined && o.phase !== "Completed"),
          );
        if (failed) setExit(1);
      } catch (e) {
        process.stderr.write(`ferry reconcile: ${errorMessage(e)}\n`);
        setExit(isFerryError(e, "Usage") ? 2 : 1);
      }
    });
};
