import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { Clock } from "../../../core/clock.js";

export interface ProcessSpec {
  readonly uid: string;
  readonly key: string;
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** stdout and stderr are appended here (the pod's log). */
  readonly logFile: string;
  /** The host directories the process may write (its mounts): group snapshots pause it. */
  readonly hostDirs: readonly string[];
}

export interface ExitInfo {
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** Why the process could not start, when it could not. */
  readonly error?: string;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGKILL: 9,
  SIGTERM: 15,
  SIGINT: 2,
  SIGHUP: 1,
};

interface Running {
  readonly spec: ProcessSpec;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

/**
 * The child processes of pods that run for real. Keyed by pod uid; `onExit` reports how
 * each ended. Killing follows the kubelet: SIGTERM, then SIGKILL after the grace period.
 */
export class ProcessRunner {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly clock: Clock,
    private readonly onExit: (spec: ProcessSpec, info: ExitInfo) => void,
  ) {}

  has(uid: string): boolean {
    return this.running.has(uid);
  }

  /** Uids of the running processes, with the pod key each belongs to. */
  list(): { uid: string; key: string }[] {
    return [...this.running.values()].map((r) => ({ uid: r.spec.uid, key: r.spec.key }));
  }

  start(spec: ProcessSpec): void {
    const [file, ...args] = spec.argv;
    const startedAt = this.clock.now();
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const log = openSync(spec.logFile, "a");
    let child: ChildProcess;
    try {
      child = spawn(file ?? "", args, { cwd: spec.cwd, env: spec.env, stdio: ["ignore", log, log] });
    } finally {
      closeSync(log);
    }
    let spawnError: string | undefined;
    const exited = new Promise<void>((resolve) => {
      child.once("error", (err) => {
        spawnError = err.message;
        // 'close' does not follow an error raised before the process started.
        if (child.pid === undefined) child.emit("close", 127, null);
      });
      child.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
        this.running.delete(spec.uid);
        const exitCode = code ?? 128 + (signal === null ? 0 : (SIGNAL_NUMBERS[signal] ?? 0));
        this.onExit(spec, {
          exitCode,
          signal,
          startedAt,
          finishedAt: this.clock.now(),
          ...(spawnError === undefined ? {} : { error: spawnError }),
        });
        resolve();
      });
    });
    this.running.set(spec.uid, { spec, child, exited });
  }

  /** SIGTERM, then SIGKILL once `graceMs` has passed; resolves when the process has exited. */
  async kill(uid: string, graceMs: number): Promise<void> {
    const entry = this.running.get(uid);
    if (entry === undefined) return;
    entry.child.kill("SIGTERM");
    const abort = new AbortController();
    const escalate = this.clock.sleep(graceMs, abort.signal).then(
      () => {
        if (this.running.has(uid)) entry.child.kill("SIGKILL");
      },
      () => undefined,
    );
    await entry.exited;
    abort.abort();
    await escalate;
  }

  /** Stops (SIGSTOP) or resumes (SIGCONT) processes: writers freeze while a group snapshot copies. */
  signal(uids: readonly string[], signal: "SIGSTOP" | "SIGCONT"): void {
    for (const uid of uids) this.running.get(uid)?.child.kill(signal);
  }

  /** Uids of the processes whose spec matches (e.g. those writing a given directory). */
  usersOf(predicate: (spec: ProcessSpec) => boolean): string[] {
    return [...this.running.values()].filter((r) => predicate(r.spec)).map((r) => r.spec.uid);
  }

  async stopAll(graceMs: number): Promise<void> {
    await Promise.all([...this.running.keys()].map((uid) => this.kill(uid, graceMs)));
  }
}
