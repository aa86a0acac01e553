/**
 * The controller's composition: Git source, status branch, GitHub, cluster connections,
 * repositories, metrics, HTTP endpoints, leader election and the loop, built from options
 * by the CLI (`ferry run`, `ferry reconcile --once`) and the demo.
 */
import type { ConnectionContext } from "../cluster/kubeconfig.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { VolumeDataMover } from "../engine/run/volume-mover.js";
import type { DriverOptions } from "../volumes/context.js";
import { gitRemediation } from "../gitops/executor/remediation.js";
import type { CommitAuthor } from "../gitops/git/commit.js";
import { openGitRemote } from "../gitops/git/open-remote.js";
import type { GitRemote } from "../gitops/git/remote.js";
import { createGitSource, type GitSource } from "../gitops/git/source.js";
import { DEFAULT_STATUS_BRANCH, gitStatusSink } from "../gitops/git/status-writer.js";
import type { GitHubPort } from "../gitops/github/port.js";
import { createPushWebhookHandler } from "../gitops/webhook/handler.js";
import { clusterConnector } from "./connect.js";
import { controllerHandler, listen } from "./http.js";
import { createLeaderElector, type LeaderElector, type LeaseOptions } from "./lease.js";
import { createControllerLoop } from "./loop.js";
import { createControllerMetrics, type ControllerMetrics } from "./metrics.js";
import { createReconciler, type ReconcileSummary, type Reconciler } from "./reconciler.js";
import { repositoryOpener } from "./repositories.js";
import { statusRecordStore } from "./status-records.js";
import { volumeWiring } from "./volumes.js";

export interface ControllerOptions {
  /** A path, `file://` or http(s) URL of the desired-state repo. */
  readonly repo: string;
  readonly branch?: string;
  readonly statusBranch?: string;
  /** Where an http(s) repo's objects are cached. */
  readonly cacheDir: string;
  /** Environment variable with the Git token (http(s) only). */
  readonly tokenEnv?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Base of relative paths in Cluster and ReplicationRepository manifests. */
  readonly baseDir: string;
  /** Kubeconfig of `ferry local up`, for `connection: {local: …}`. */
  readonly localKubeconfig: string;
  readonly github?: GitHubPort;
  readonly author?: CommitAuthor;
  readonly volumeMover?: VolumeDataMover;
  /** Options of the volume driver (mover image, poll interval, …). */
  readonly volumeOptions?: DriverOptions;
  readonly concurrency?: number;
}

export interface RunOptions extends ControllerOptions {
  readonly intervalMs: number;
  /** Port for /healthz, /readyz, /metrics (and /webhook when the same as webhookPort). */
  readonly metricsPort?: number;
  readonly webhookPort?: number;
  readonly webhookSecret?: string;
  readonly host?: string;
  /** Leader election among replicas; the controller supplies the clock, logger and callback. */
  readonly lease?: Omit<LeaseOptions, "clock" | "logger" | "onChange">;
  /** How long a stop waits for an in-flight reconcile before aborting it (default 20 s). */
  readonly shutdownGraceMs?: number;
  readonly onReconcile?: (summary: ReconcileSummary) => void;
}

export interface RunningController {
  readonly metrics: ControllerMetrics;
  readonly ports: { readonly metrics?: number; readonly webhook?: number };
  readonly source: GitSource;
  isReady(): boolean;
  isLeader(): boolean;
  trigger(): void;
  /** Graceful stop: no new work, in-flight work finished (or aborted after the grace), lease released. */
  stop(): Promise<void>;
  /** Settles when the controller has stopped. */
  readonly done: Promise<void>;
}

interface Parts {
  readonly remote: GitRemote;
  readonly source: GitSource;
  readonly reconciler: Reconciler;
  readonly invalidate: () => void;
  readonly close: () => void;
}

async function build(options: ControllerOptions, metrics?: ControllerMetrics): Promise<Parts> {
  const remote = await openGitRemote({
    repo: options.repo,
    cacheDir: options.cacheDir,
    env: options.env,
    ...(options.tokenEnv === undefined ? {} : { tokenEnv: options.tokenEnv }),
  });
  const source = createGitSource({ remote, branch: options.branch ?? "main" });
  const statusBranch = options.statusBranch ?? DEFAULT_STATUS_BRANCH;
  const records = statusRecordStore(remote, statusBranch);
  const connection: ConnectionContext = {
    env: options.env,
    baseDir: options.baseDir,
    localKubeconfig: options.localKubeconfig,
  };
  const repositories = repositoryOpener({ env: options.env, baseDir: options.baseDir, clock: options.clock });
  const reconciler = createReconciler({
    source,
    records,
    status: gitStatusSink(
      { remote, clock: options.clock },
      { branch: statusBranch, ...(options.author === undefined ? {} : { author: options.author }) },
    ),
    connect: clusterConnector(connection, options.logger),
    repositories,
    clock: options.clock,
    logger: options.logger,
    remediation: gitRemediation({
      remote,
      clock: options.clock,
      ...(options.github === undefined ? {} : { github: options.github }),
      ...(options.author === undefined ? {} : { author: options.author }),
    }),
    ...(options.github === undefined ? {} : { github: options.github }),
    ...(metrics === undefined ? {} : { metrics }),
    ...(options.volumeMover === undefined ? {} : { volumeMover: options.volumeMover }),
    volumes: volumeWiring({
      env: options.env,
      baseDir: options.baseDir,
      clock: options.clock,
      ...(options.volumeOptions === undefined ? {} : { driver: options.volumeOptions }),
    }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  return {
    remote,
    source,
    reconciler,
    invalidate: () => records.invalidate(),
    close: () => repositories.close(),
  };
}

/** `ferry reconcile --once`: poll once and reconcile the tip. */
export async function reconcileOnce(
  options: ControllerOptions & { readonly signal?: AbortSignal },
): Promise<ReconcileSummary> {
  const parts = await build(options);
  try {
    const polled = await parts.source.poll(options.signal);
    if (polled.commit === undefined) throw new Error(`branch ${parts.source.branch} has no commit`);
    return await parts.reconciler.reconcile(polled.commit, options.signal);
  } finally {
    parts.close();
  }
}

/** `ferry run`: starts the controller; it runs until `stop()`. */
export async function startController(options: RunOptions): Promise<RunningController> {
  const metrics = createControllerMetrics();
  const parts = await build(options, metrics);
  const { logger } = options;
  const stopLoop = new AbortController();
  let work = new AbortController();
  let ready = false;
  let elector: LeaderElector | undefined;
  const isLeader = (): boolean => elector === undefined || elector.isLeader();
  metrics.leader.set(options.lease === undefined ? 1 : 0);

  const loop = createControllerLoop({
    source: parts.source,
    reconciler: parts.reconciler,
    clock: options.clock,
    logger,
    intervalMs: options.intervalMs,
    metrics,
    isLeader,
    workSignal: () => work.signal,
    onPoll: (ok) => {
      if (ok) ready = true;
    },
    ...(options.onReconcile === undefined ? {} : { onReconcile: options.onReconcile }),
  });

  if (options.lease !== undefined) {
    elector = createLeaderElector({
      ...options.lease,
      clock: options.clock,
      logger,
      onChange: (leader) => {
        metrics.leader.set(leader ? 1 : 0);
        if (leader) {
          // Another replica may have written reports: read the branch again, then act at once.
          parts.invalidate();
          work = new AbortController();
          loop.trigger();
        } else {
          work.abort();
        }
      },
    });
    await elector.tick();
  }

  const webhook =
    options.webhookSecret === undefined
      ? undefined
      : createPushWebhookHandler({
          secret: options.webhookSecret,
          branch: parts.source.branch,
          logger,
          trigger: () => loop.trigger(),
        });
  const handler = controllerHandler({
    registry: metrics.registry,
    ready: () => ready,
    ...(webhook === undefined ? {} : { webhook }),
  });
  const servers: { close(): Promise<void> }[] = [];
  const ports: { metrics?: number; webhook?: number } = {};
  if (options.metricsPort !== undefined) {
    const s = await listen(handler, options.metricsPort, options.host);
    servers.push(s);
    ports.metrics = s.port;
    if (options.webhookPort === options.metricsPort) ports.webhook = s.port;
  }
  if (options.webhookPort !== undefined && options.webhookPort !== options.metricsPort) {
    const s = await listen(handler, options.webhookPort, options.host);
    servers.push(s);
    ports.webhook = s.port;
  }

  const electorStop = new AbortController();
  const electing = elector?.run(electorStop.signal) ?? Promise.resolve();
  logger.info(
    { repo: parts.source.display, branch: parts.source.branch, intervalMs: options.intervalMs, ...ports },
    "controller started",
  );
  const running = loop.run(stopLoop.signal);
  const done = (async () => {
    await running;
    electorStop.abort();
    await electing;
    await Promise.all(servers.map((s) => s.close()));
    parts.close();
    logger.info({}, "controller stopped");
  })();

  let stopping: Promise<void> | undefined;
  return {
    metrics,
    ports,
    source: parts.source,
    isReady: () => ready,
    isLeader,
    trigger: () => loop.trigger(),
    done,
    stop() {
      stopping ??= (async () => {
        stopLoop.abort();
        const grace = new AbortController();
        const timer = options.clock.sleep(options.shutdownGraceMs ?? 20_000, grace.signal).then(
          () => work.abort(),
          () => undefined,
        );
        await running;
        grace.abort();
        await timer;
        await done;
      })();
      return stopping;
    },
  };
}
