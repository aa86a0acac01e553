import { join } from "node:path";
import { systemClock } from "../../core/clock.js";
import { errorMessage } from "../../core/errors.js";
import { createLogger } from "../../controller/logger.js";
import { runDemo } from "../../demo/run-demo.js";
import type { RegisterCommand } from "../main.js";
import pino from "pino";

/**
 * `ferry demo` (what `npm start` runs): the whole GitOps loop on local clusters, a local Git
 * repo and a folder repository; prints what happened and where to look. Exit 0 when the
 * example migration completed, 1 otherwise.
 */
export const registerDemo: RegisterCommand = (program, setExit) => {
  program
    .command("demo")
    .description("run the GitOps loop end to end on local clusters (npm start)")
    .option("--dir <dir>", "demo directory (emptied first)", ".ferry/demo")
    .action(async (opts: { dir: string }) => {
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once("SIGINT", onSignal);
      try {
        const logFile = join(opts.dir, "..", "demo-controller.log");
        const logger = createLogger({
          destination: pino.destination({ dest: logFile, mkdir: true, sync: false }),
        });
        const result = await runDemo({
          dir: opts.dir,
          clock: systemClock,
          logger,
          print: (line) => process.stdout.write(`${line}\n`),
          signal: controller.signal,
          env: process.env,
        });
        process.stdout.write(`\nController log: ${logFile}\n`);
        if (result.phase !== "Completed") setExit(1);
      } catch (e) {
        process.stderr.write(`ferry demo: ${errorMessage(e)}\n`);
        setExit(1);
      } finally {
        process.off("SIGINT", onSignal);
      }
    });
};
