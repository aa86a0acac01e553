/**
 * The controller loop: poll every interval (the Clock's sleep, woken at once by a webhook
 * trigger), reconcile the branch tip when this replica leads, repeat until stopped. Polls go
 * on while standing by, so a standby is ready and knows the tip when it takes over.
 */
import type { Clock } from "../core/clock.js";
import { errorMessage, isFerryError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { GitSource } from "../gitops/git/source.js";
import type { ControllerMetrics } from "./metrics.js";
import type { ReconcileSummary, Reconciler } from "./reconciler.js";

export interface LoopOptions {
  readonly source: GitSource;
  readonly reconciler: Reconciler;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly metrics?: ControllerMetrics;
  /** Whether this replica may act now (leader election); always true without it. */
  readonly isLeader: () => boolean;
  /** Aborted when leadership is lost or the controller stops: in-flight work stops. */
  readonly workSignal: () => AbortSignal;
  readonly onReconcile?: (summary: ReconcileSummary) => void;
  readonly onPoll?: (ok: boolean) => void;
}

export interface ControllerLoop {
  /** Reconcile at once (webhook): wakes the loop from its sleep, or runs again right after the current pass. */
  trigger(): void;
  /** Runs until `signal` aborts; resolves when the current pass has ended. */
  run(signal: AbortSignal): Promise<void>;
}

export function createControllerLoop(options: LoopOptions): ControllerLoop {
  const { source, clock, logger, metrics } = options;
  let wake = new AbortController();
  let pending = false;
  return {
    trigger() {
      pending = true;
      wake.abort();
    },
    async run(signal) {
      while (!signal.aborted) {
        pending = false;
        let commit: string | undefined;
        try {
          const polled = await source.poll(signal);
          commit = polled.commit;
          metrics?.polls.inc({ result: polled.changed ? "changed" : "unchanged" });
          options.onPoll?.(true);
          if (polled.changed)
            logger.info({ commit: commit?.slice(0, 12), branch: source.branch }, "new commit");
        } catch (e) {
          if (signal.aborted) break;
          metrics?.polls.inc({ result: "error" });
          options.onPoll?.(false);
          logger.error({ repo: source.display, error: errorMessage(e) }, "poll failed");
        }
        if (commit !== undefined && options.isLeader()) {
          try {
            const summary = await options.reconciler.reconcile(commit, options.workSignal());
            options.onReconcile?.(summary);
          } catch (e) {
            if (isFerryError(e, "Aborted") || options.workSignal().aborted) {
              logger.info({ commit: commit.slice(0, 12) }, "reconcile aborted");
            } else {
              logger.error({ commit: commit.slice(0, 12), error: errorMessage(e) }, "reconcile failed");
            }
          }
        }
        if (pending || signal.aborted) continue;
        wake = new AbortController();
        try {
          await clock.sleep(options.intervalMs, AbortSignal.any([signal, wake.signal]));
        } catch {
          // Woken by a trigger or stopped: the loop condition decides.
        }
      }
    },
  };
}
