import { relative } from "node:path";
import { pino } from "pino";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { DEFAULT_CLUSTERS, DEFAULT_DIR } from "../../local/clusters.js";
import { daemonStatus, serveDaemon, startDaemon, stopDaemon } from "../../local/daemon.js";
import type { RegisterCommand } from "../main.js";

const parseClusters = (value: string): string[] =>
  value
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * `ferry local up|down|status`: Kubernetes-API-compatible clusters on loopback, served by one
 * background process, with a kubeconfig holding a context per cluster. Exit 0 ok, 1 failed,
 * 2 usage.
 */
export const registerLocal: RegisterCommand = (program, setExit) => {
  const local = program
    .command("local")
    .description("local Kubernetes-API-compatible clusters on loopback (no cloud needed)");
  const fail = (e: unknown): void => {
    process.stderr.write(`ferry local: ${errorMessage(e)}\n`);
    setExit(1);
  };

  local
    .command("up")
    .description("start the local clusters in the background and write DIR/kubeconfig")
    .option("--clusters <names>", "comma-separated cluster names", DEFAULT_CLUSTERS.join(","))
    .option("--dir <dir>", "state directory (objects, volumes, kubeconfig)", DEFAULT_DIR)
    .action(async (opts: { clusters: string; dir: string }) => {
      const clusters = parseClusters(opts.clusters);
      const bad = clusters.filter((c) => !CLUSTER_NAME.test(c));
      if (clusters.length === 0 || bad.length > 0) {
        process.stderr.write(
          `ferry local up: --clusters: invalid cluster name(s): ${bad.join(", ") || "(none given)"}; use lower-case letters, digits and '-'\n`,
        );
        setExit(2);
        return;
      }
      try {
        const { info, alreadyRunning } = await startDaemon({ dir: opts.dir, clusters });
        const kubeconfig = relative(process.cwd(), info.kubeconfig) || info.kubeconfig;
        process.stdout.write(
          `${alreadyRunning ? "Local clusters already running" : "Local clusters started"} (pid ${info.pid}):\n`,
        );
        for (const c of info.clusters) process.stdout.write(`  ${c.name.padEnd(12)} ${c.url}\n`);
        process.stdout.write(
          `\nKubeconfig: ${kubeconfig}\nTry:\n  kubectl --kubeconfig ${kubeconfig} --context ${info.clusters[0]?.name ?? "east-1"} get ns\n`,
        );
        if (alreadyRunning && info.clusters.map((c) => c.name).join(",") !== clusters.join(",")) {
          process.stdout.write(
            `(running with its own cluster list; run 'ferry local down --dir ${opts.dir}' first to change it)\n`,
          );
        }
      } catch (e) {
        fail(e);
      }
    });

  local
    .command("down")
    .description("stop the local clusters (their state stays in DIR)")
    .option("--dir <dir>", "state directory", DEFAULT_DIR)
    .action(async (opts: { dir: string }) => {
      try {
        const stopped = await stopDaemon({ dir: opts.dir });
        process.stdout.write(
          stopped
            ? "Local clusters stopped; state kept in " + opts.dir + "\n"
            : "No local clusters running in " + opts.dir + "\n",
        );
      } catch (e) {
        fail(e);
      }
    });

  local
    .command("status")
    .description("show each local cluster, its URL, whether it is up and its object count")
    .option("--dir <dir>", "state directory", DEFAULT_DIR)
    .action(async (opts: { dir: string }) => {
      try {
        const { info, clusters } = await daemonStatus(opts.dir);
        if (info === undefined) {
          process.stdout.write(
            `No local clusters running in ${opts.dir} (start them with 'ferry local up --dir ${opts.dir}')\n`,
          );
          setExit(1);
          return;
        }
        process.stdout.write(`${"CLUSTER".padEnd(12)} ${"URL".padEnd(26)} ${"STATE".padEnd(6)} OBJECTS\n`);
        for (const c of clusters) {
          process.stdout.write(
            `${c.name.padEnd(12)} ${c.url.padEnd(26)} ${(c.up ? "up" : "down").padEnd(6)} ${c.objects ?? "-"}\n`,
          );
        }
        if (clusters.some((c) => !c.up)) setExit(1);
      } catch (e) {
        fail(e);
      }
    });

  local
    .command("serve", { hidden: true })
    .description("run the local clusters in the foreground (what `up` starts in the background)")
    .option("--clusters <names>", "comma-separated cluster names", DEFAULT_CLUSTERS.join(","))
    .option("--dir <dir>", "state directory", DEFAULT_DIR)
    .action(async (opts: { clusters: string; dir: string }) => {
      const logger = pino({ level: process.env["FERRY_LOG_LEVEL"] ?? "info" }) as unknown as Logger;
      try {
        await serveDaemon({ dir: opts.dir, clusters: parseClusters(opts.clusters), logger });
      } catch (e) {
        fail(e);
      }
    });
};
