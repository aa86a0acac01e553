import { Command, CommanderError } from "commander";
import { errorMessage } from "../core/errors.js";

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
  for (const register of await registrations(argv[0])) register(program, setExit);
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

/**
 * The commands, each loaded only when it runs: a command's module pulls in its adapters (the
 * S3 SDK, octokit, client-node, the local clusters), and loading them all costs seconds on
 * every invocation. Help and unknown commands load every module.
 */
const commands: ReadonlyArray<{
  readonly names: readonly string[];
  readonly load: () => Promise<RegisterCommand>;
}> = [
  { names: ["validate"], load: async () => (await import("./commands/validate.js")).registerValidate },
  { names: ["plan"], load: async () => (await import("./commands/plan.js")).registerPlan },
  { names: ["get"], load: async () => (await import("./commands/get.js")).registerGet },
  { names: ["local"], load: async () => (await import("./commands/local.js")).registerLocal },
  { names: ["migrate"], load: async () => (await import("./commands/migrate.js")).registerMigrate },
  { names: ["status"], load: async () => (await import("./commands/status.js")).registerStatus },
  { names: ["replicate"], load: async () => (await import("./commands/replicate.js")).registerReplicate },
  { names: ["mover"], load: async () => (await import("./commands/mover.js")).registerMover },
  {
    names: ["failover", "failback"],
    load: async () => (await import("./commands/failover.js")).registerFailover,
  },
  { names: ["run"], load: async () => (await import("./commands/run.js")).registerRun },
  { names: ["reconcile"], load: async () => (await import("./commands/reconcile.js")).registerReconcile },
  { names: ["demo"], load: async () => (await import("./commands/demo.js")).registerDemo },
  { names: ["version"], load: async () => (await import("./commands/version.js")).registerVersion },
];

async function registrations(commandName: string | undefined): Promise<RegisterCommand[]> {
  const one = commands.find((c) => commandName !== undefined && c.names.includes(commandName));
  return Promise.all((one === undefined ? commands : [one]).map((c) => c.load()));
}
