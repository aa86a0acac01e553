import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import type { Clock } from "../core/clock.js";
import { systemClock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { defaultFerryCommand, startLocalClusters } from "./clusters.js";

/** What a running `ferry local` daemon publishes in `DIR/daemon.json`. */
export interface DaemonInfo {
  pid: number;
  startedAt: string;
  kubeconfig: string;
  clusters: { name: string; url: string; port: number }[];
}

export const daemonFile = (dir: string): string => join(resolve(dir), "daemon.json");
export const daemonLog = (dir: string): string => join(resolve(dir), "daemon.log");

/** The published daemon info, or undefined when none is recorded. */
export function readDaemonInfo(dir: string): DaemonInfo | undefined {
  try {
    return JSON.parse(readFileSync(daemonFile(dir), "utf8")) as DaemonInfo;
  } catch {
    return undefined;
  }
}

/** Whether a process is alive (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs the clusters in this process until SIGTERM/SIGINT: what the detached background
 * process of `ferry local up` does. Publishes its pid and ports in `DIR/daemon.json`.
 */
export async function serveDaemon(options: {
  dir: string;
  clusters: readonly string[];
  logger: Logger;
}): Promise<void> {
  const dir = resolve(options.dir);
  const running = await startLocalClusters({ dir, clusters: options.clusters, logger: options.logger });
  const info: DaemonInfo = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    kubeconfig: running.kubeconfigPath,
    clusters: [...running.clusters.values()].map((c) => ({ name: c.name, url: c.url, port: c.port })),
  };
  const tmp = `${daemonFile(dir)}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2));
  renameSync(tmp, daemonFile(dir));
  options.logger.info({ clusters: info.clusters }, "local clusters serving");
  await new Promise<void>((done) => {
    const shutdown = (): void => {
      running
        .stop()
        .catch((e: unknown) => options.logger.error({ err: e }, "stopping local clusters failed"))
        .finally(() => {
          if (readDaemonInfo(dir)?.pid === process.pid) rmSync(daemonFile(dir), { force: true });
          done();
        });
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
}

/**
 * Starts the daemon in the background (detached, logging to `DIR/daemon.log`) unless one is
 * already running, and waits until it has published its ports.
 */
export async function startDaemon(options: {
  dir: string;
  clusters: readonly string[];
  ferryCommand?: readonly string[];
  clock?: Clock;
  timeoutMs?: number;
}): Promise<{ info: DaemonInfo; alreadyRunning: boolean }> {
  const dir = resolve(options.dir);
  const clock = options.clock ?? systemClock;
  const existing = readDaemonInfo(dir);
  if (existing !== undefined && processAlive(existing.pid)) return { info: existing, alreadyRunning: true };
  mkdirSync(dir, { recursive: true });
  rmSync(daemonFile(dir), { force: true });
  const [command = process.execPath, ...prefix] = options.ferryCommand ?? defaultFerryCommand();
  const log = openSync(daemonLog(dir), "a");
  const child = spawn(
    command,
    [...prefix, "local", "serve", "--dir", dir, "--clusters", options.clusters.join(",")],
    {
      detached: true,
      stdio: ["ignore", log, log],
      env: process.env,
    },
  );
  closeSync(log);
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
  });
  child.unref();
  const deadline = clock.now().getTime() + (options.timeoutMs ?? 60_000);
  while (clock.now().getTime() < deadline) {
    const info = readDaemonInfo(dir);
    if (info !== undefined && info.pid === child.pid) return { info, alreadyRunning: false };
    if (exited !== undefined) break;
    await clock.sleep(100);
  }
  const tail = existsSync(daemonLog(dir))
    ? readFileSync(daemonLog(dir), "utf8").split("\n").slice(-15).join("\n")
    : "";
  if (exited === undefined && child.pid !== undefined) process.kill(child.pid, "SIGTERM");
  throw new FerryError("IO", `the local clusters did not start (see ${daemonLog(dir)}):\n${tail}`);
}

/** Stops the daemon of DIR and waits for it to exit; false when none was running. */
export async function stopDaemon(options: {
  dir: string;
  clock?: Clock;
  timeoutMs?: number;
}): Promise<boolean> {
  const clock = options.clock ?? systemClock;
  const info = readDaemonInfo(options.dir);
  if (info === undefined || !processAlive(info.pid)) {
    rmSync(daemonFile(options.dir), { force: true });
    return false;
  }
  process.kill(info.pid, "SIGTERM");
  const deadline = clock.now().getTime() + (options.timeoutMs ?? 30_000);
  while (processAlive(info.pid)) {
    if (clock.now().getTime() > deadline)
      throw new FerryError("Timeout", `the local clusters (pid ${info.pid}) did not stop`);
    await clock.sleep(100);
  }
  rmSync(daemonFile(options.dir), { force: true });
  return true;
}

/** One cluster's state as `ferry local status` shows it. */
export interface ClusterStatus {
  name: string;
  url: string;
  up: boolean;
  objects: number | undefined;
}

/** Asks each cluster of the daemon whether it is up and how many objects it holds. */
export async function daemonStatus(
  dir: string,
): Promise<{ info: DaemonInfo | undefined; clusters: ClusterStatus[] }> {
  const info = readDaemonInfo(dir);
  if (info === undefined) return { info, clusters: [] };
  const clusters = await Promise.all(
    info.clusters.map(async (c): Promise<ClusterStatus> => {
      try {
        const res = await fetch(`${c.url}/_ferry/status`, { signal: AbortSignal.timeout(3000) });
        const body = (await res.json()) as { objects?: number };
        return { name: c.name, url: c.url, up: res.ok, objects: body.objects };
      } catch {
        return { name: c.name, url: c.url, up: false, objects: undefined };
      }
    }),
  );
  return { info, clusters };
}
