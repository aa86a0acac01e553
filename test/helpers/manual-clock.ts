import type { Clock } from "../../src/core/clock.js";
import { FerryError } from "../../src/core/errors.js";

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

/**
 * A clock for controller tests. Sleeps of `autoBelowMs` or more (poll intervals, lease
 * renewals) wait until the test calls `advance`; shorter ones (backoffs, the engine's small
 * polls) end on the next turn of the event loop with the clock moved on — nothing sleeps
 * for real. `sleepers(n)` resolves once n long sleeps are waiting (e.g. the loop is idle).
 */
export class ManualClock implements Clock {
  private current: number;
  private waiting: Sleeper[] = [];
  private watchers: { n: number; resolve: () => void }[] = [];

  constructor(
    start = "2026-03-02T10:00:00Z",
    private readonly autoBelowMs = 1000,
  ) {
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const aborted = (): void => reject(new FerryError("Aborted", "aborted"));
      if (signal?.aborted === true) return aborted();
      if (ms < this.autoBelowMs) {
        setImmediate(() => {
          if (signal?.aborted === true) return aborted();
          this.current += ms;
          resolve();
        });
        return;
      }
      const sleeper: Sleeper = {
        at: this.current + ms,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.waiting = this.waiting.filter((s) => s !== sleeper);
        aborted();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(sleeper);
      this.notify();
    });
  }

  /** Moves time on by `ms` and ends the long sleeps that are due, earliest first. */
  advance(ms: number): void {
    this.current += ms;
    const due = this.waiting.filter((s) => s.at <= this.current).sort((a, b) => a.at - b.at);
    this.waiting = this.waiting.filter((s) => s.at > this.current);
    for (const s of due) s.resolve();
  }

  /** Resolves once at least `n` long sleeps are waiting. */
  sleepers(n: number): Promise<void> {
    return new Promise((resolve) => {
      this.watchers.push({ n, resolve });
      this.notify();
    });
  }

  private notify(): void {
    const ready = this.watchers.filter((w) => this.waiting.length >= w.n);
    this.watchers = this.watchers.filter((w) => this.waiting.length < w.n);
    for (const w of ready) w.resolve();
  }
}
