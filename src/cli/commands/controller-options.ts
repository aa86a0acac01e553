/**
 * Options `ferry run` and `ferry reconcile` share, and how they become ControllerOptions.
 * Credentials only ever come from environment variables named here, never from flags.
 */
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { KubeClusterClient } from "../../cluster/client-node.js";
import { kubeConfigFor } from "../../cluster/kubeconfig.js";
import type { ClusterClient } from "../../cluster/port.js";
import { systemClock } from "../../core/clock.js";
import { FerryError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { ControllerOptions } from "../../controller/controller.js";
import { DEFAULT_AUTHOR } from "../../gitops/git/commit.js";
import { DEFAULT_STATUS_BRANCH } from "../../gitops/git/status-writer.js";
import { gitHubFromEnv } from "../../gitops/github/config.js";
import { DEFAULT_DIR } from "../../local/clusters.js";

export interface SharedFlags {
  repo: string;
  branch: string;
  statusBranch: string;
  tokenEnv: string;
  githubRepo?: string;
  cacheDir: string;
  workDir: string;
  localDir: string;
  authorName: string;
  authorEmail: string;
  concurrency: string;
}

/** Adds the flags both commands take. */
export function sharedFlags(command: Command): Command {
  return command
    .requiredOption("--repo <path|url>", "the desired-state repo: a path, file:// or http(s) URL")
    .option("--branch <branch>", "the desired-state branch", "main")
    .option("--status-branch <branch>", "where status reports are committed", DEFAULT_STATUS_BRANCH)
    .option("--token-env <var>", "environment variable holding the Git token (http(s))", "FERRY_GIT_TOKEN")
    .option(
      "--github-repo <owner/name>",
      "commit statuses and remediation PRs on this GitHub repo (token in FERRY_GITHUB_TOKEN or GITHUB_TOKEN)",
    )
    .option("--cache-dir <dir>", "where an http(s) repo's objects are cached", ".ferry/cache")
    .option("--work-dir <dir>", "base of relative paths in Cluster and ReplicationRepository manifests", ".")
    .option("--local-dir <dir>", "state directory of `ferry local up` (for local clusters)", DEFAULT_DIR)
    .option("--author-name <name>", "status commit author name", DEFAULT_AUTHOR.name)
    .option("--author-email <email>", "status commit author email", DEFAULT_AUTHOR.email)
    .option("--concurrency <n>", "objects reconciled at once", "4");
}

/** ControllerOptions from the shared flags and the environment. */
export function controllerOptions(flags: SharedFlags, logger: Logger): ControllerOptions {
  const env = process.env;
  const http = /^https?:\/\//i.test(flags.repo);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new FerryError("Usage", `--concurrency: expected a positive integer, got ${flags.concurrency}`);
  }
  const github = gitHubFromEnv({ repository: flags.githubRepo, env, logger });
  return {
    repo: flags.repo,
    branch: flags.branch,
    statusBranch: flags.statusBranch,
    cacheDir: resolve(flags.cacheDir),
    ...(http && env[flags.tokenEnv] !== undefined ? { tokenEnv: flags.tokenEnv } : {}),
    env,
    clock: systemClock,
    logger,
    baseDir: resolve(flags.workDir),
    localKubeconfig: join(resolve(flags.localDir), "kubeconfig"),
    ...(github === undefined ? {} : { github }),
    author: { name: flags.authorName, email: flags.authorEmail },
    concurrency,
  };
}

/** `30s`, `1m`, `500ms`, `2h` or plain seconds → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null)
    throw new FerryError("Usage", `${flag}: expected a duration like 30s, 1m or 500ms, got ${text}`);
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000;
  const ms = Math.round(value * factor);
  if (ms <= 0) throw new FerryError("Usage", `${flag}: must be more than zero`);
  return ms;
}

/** A TCP port number from a flag. */
export function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FerryError("Usage", `${flag}: expected a port number, got ${text}`);
  }
  return port;
}

/** The management cluster client for the leader lease: a kubeconfig, or in-cluster. */
export function leaseClient(options: {
  kubeconfig?: string;
  context?: string;
  baseDir: string;
}): ClusterClient {
  const connection =
    options.kubeconfig === undefined
      ? ({ inCluster: true } as const)
      : {
          kubeconfig: {
            path: options.kubeconfig,
            ...(options.context === undefined ? {} : { context: options.context }),
          },
        };
  const kc = kubeConfigFor("management", connection, {
    env: process.env,
    baseDir: options.baseDir,
    localKubeconfig: "",
  });
  return new KubeClusterClient("management", kc);
}

/** This replica's identity in the lease: the pod name in Kubernetes, else host and pid. */
export function defaultIdentity(): string {
  return process.env["POD_NAME"] ?? `${hostname()}-${process.pid}`;
}
