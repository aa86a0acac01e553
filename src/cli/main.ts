import { Command, CommanderError } from "commander";
import { errorMessage } from "../core/errors.js";
import { registerFailover } from "./commands/failover.js";
import { registerLocal } from "./commands/local.js";
import { registerGet } from "./commands/get.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerMover } from "./commands/mover.js";
import { registerPlan } from "./commands/plan.js";
import { registerStatus } from "./commands/status.js";
import { registerValidate } from "./commands/validate.js";
import { registerVersion } from "./commands/version.js";
import { registerRun } from "./commands/run.js";
import { registerReconcile } from "./commands/reconcile.js";
import { registerDemo } from "./commands/demo.js";
import { registerReplicate } from "./commands/replicate.js";

/**
 * The CLI's composition root: builds the adapters each command needs and runs it.
 * Returns the process exit code (0 ok, 1 failure or invalid input, 2 usage).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("ferry")
    .description("GitOps replication and migration of Kubernetes applications between clusters")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = Math.max(exitCode, code);
  };
  for (const register of commands) register(program, setExit);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`ferry: ${errorMessage(e)}\n`);
    return 1;
  }
}

/** Each command lives in `src/cli/commands/<name>.ts` and registers itself here. */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;

const commands: RegisterCommand[] = [
  registerValidate,
  registerMover,
  registerVersion,
  registerFailover,
  registerPlan,
  registerGet,
  registerLocal,
  registerMigrate,
  registerStatus,
  registerRun,
  registerReconcile,
  registerDemo,
  registerReplicate,
];
