import type { Clock } from "../../../core/clock.js";
import type { Logger } from "../../../core/logger.js";
import { errorMessage } from "../../../core/errors.js";
import { isConflict } from "./api-errors.js";

export interface WorkQueueOptions {
  readonly name: string;
  readonly reconcile: (key: string) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How many different keys reconcile at once; one key never runs twice at the same time. */
  readonly concurrency?: number;
}

/**
 * A controller's work queue, as client-go's: keys are deduplicated, one key is reconciled
 * at a time (a key added while it runs is reconciled again afterwards), different keys run
 * in parallel up to a bound, and a failed reconcile is retried with backoff.
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly options: WorkQueueOptions) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.pending.add(key);
    // Start on a later turn: watch handlers may call `add` from inside a store write.
    setImmediate(() => this.pump());
  }

  /** Adds `key` after `ms` on the controller's clock (a simulated duration or a retry). */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    this.track(
      this.options.clock.sleep(ms, this.abort.signal).then(
        () => this.add(key),
        () => undefined,
      ),
    );
  }

  /** Runs `task` in the background, tracked so `stop` waits for it. */
  track(task: Promise<void>): void {
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.pending.clear();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 4;
    for (const key of this.pending) {
      if (this.stopped || this.running.size >= limit) return;
      if (this.running.has(key)) continue;
      this.pending.delete(key);
      this.running.add(key);
      this.track(this.run(key));
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.options.reconcile(key);
      this.failures.delete(key);
    } catch (err) {
      if (!this.stopped) this.retry(key, err);
    } finally {
      this.running.delete(key);
      if (this.dirty.delete(key)) this.add(key);
      setImmediate(() => this.pump());
    }
  }

  private retry(key: string, err: unknown): void {
    const attempts = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempts);
    if (isConflict(err) && attempts <= 5) {
      // A stale read: the watch will bring the newer object; read again at once.
      this.add(key);
      return;
    }
    const delay = Math.min(5 * 2 ** attempts, 5_000);
    this.options.logger.warn(
      { controller: this.options.name, key, attempts, err: errorMessage(err) },
      "reconcile failed; retrying",
    );
    this.addAfter(key, delay);
  }
}
