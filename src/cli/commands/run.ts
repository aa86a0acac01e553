import type { Command } from "commander";
import { errorMessage, isFerryError } from "../../core/errors.js";
import { startController } from "../../controller/controller.js";
import { createLogger } from "../../controller/logger.js";
import { webhookSecretFromEnv } from "../../gitops/webhook/handler.js";
import type { RegisterCommand } from "../main.js";
import {
  controllerOptions,
  defaultIdentity,
  leaseClient,
  parseDuration,
  parsePort,
  sharedFlags,
  type SharedFlags,
} from "./controller-options.js";

interface RunFlags extends SharedFlags {
  interval: string;
  webhookPort?: string;
  metricsPort?: string;
  leaderElect?: boolean;
  leaseKubeconfig?: string;
  leaseContext?: string;
  leaseNamespace: string;
  leaseName: string;
  leaseIdentity?: string;
  leaseDuration: string;
  logLevel: string;
}

/**
 * `ferry run`: the GitOps controller. Polls the repo, reconciles, writes status and PRs back;
 * leader election with a Lease, /healthz, /readyz, /metrics, a push webhook; stops gracefully
 * on SIGTERM or SIGINT. Exit 0 after a graceful stop, 1 when it cannot start, 2 usage.
 */
export const registerRun: RegisterCommand = (program, setExit) => {
  const command: Command = program.command("run").description("run the GitOps controller");
  sharedFlags(command)
    .option("--interval <duration>", "poll interval (30s, 1m, 500ms)", "30s")
    .option(
      "--webhook-port <port>",
      "serve the GitHub push webhook at /webhook (secret in FERRY_WEBHOOK_SECRET)",
    )
    .option("--metrics-port <port>", "serve /healthz, /readyz and /metrics")
    .option("--leader-elect", "elect a leader with a Lease (implied by --lease-kubeconfig)")
    .option(
      "--lease-kubeconfig <path>",
      "kubeconfig of the management cluster holding the Lease (default: in-cluster)",
    )
    .option("--lease-context <context>", "its context")
    .option("--lease-namespace <ns>", "namespace of the Lease", "ferry-system")
    .option("--lease-name <name>", "name of the Lease", "ferry")
    .option("--lease-identity <id>", "this replica's identity (default $POD_NAME, else host-pid)")
    .option("--lease-duration <duration>", "how long a lease lasts without renewal", "15s")
    .option("--log-level <level>", "debug, info, warn or error", "info")
    .action(async (flags: RunFlags) => {
      const logger = createLogger({ level: flags.logLevel as "info" });
      try {
        const base = controllerOptions(flags, logger);
        const intervalMs = parseDuration(flags.interval, "--interval");
        const elect = flags.leaderElect === true || flags.leaseKubeconfig !== undefined;
        const controller = await startController({
          ...base,
          intervalMs,
          ...(flags.metricsPort === undefined
            ? {}
            : { metricsPort: parsePort(flags.metricsPort, "--metrics-port") }),
          ...(flags.webhookPort === undefined
            ? {}
            : {
                webhookPort: parsePort(flags.webhookPort, "--webhook-port"),
                webhookSecret: webhookSecretFromEnv(process.env),
              }),
          ...(elect
            ? {
                lease: {
                  client: leaseClient({
                    ...(flags.leaseKubeconfig === undefined ? {} : { kubeconfig: flags.leaseKubeconfig }),
                    ...(flags.leaseContext === undefined ? {} : { context: flags.leaseContext }),
                    baseDir: base.baseDir,
                  }),
                  namespace: flags.leaseNamespace,
                  name: flags.leaseName,
                  identity: flags.leaseIdentity ?? defaultIdentity(),
                  leaseDurationSeconds: Math.max(
                    1,
                    Math.round(parseDuration(flags.leaseDuration, "--lease-duration") / 1000),
                  ),
                },
              }
            : {}),
        });
        const stop = (signal: string): void => {
          logger.info({ signal }, "stopping");
          void controller.stop();
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
        await controller.done;
      } catch (e) {
        process.stderr.write(`ferry run: ${errorMessage(e)}\n`);
        setExit(isFerryError(e, "Usage") ? 2 : 1);
      }
    });
};
