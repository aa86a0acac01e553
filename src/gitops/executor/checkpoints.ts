/**
 * Reports persisted while a reconcile runs, not only at its end: a VolumeReplication's status
 * is saved as soon as something the next reconcile resumes from changes (a cycle's state, a
 * pending resize, role-swap progress, the last consistent copy), so a controller killed
 * mid-cycle loses none of it. Writes go through a port, one at a time; reports set while a
 * write is in flight are coalesced (the latest per path) into the next one. Setting a report
 * never waits for Git: the driver goes on while the queue writes behind it.
 */
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";

/** Where checkpoints are written (the controller: a status commit, and its copy of the records). */
export interface CheckpointPort {
  save(files: ReadonlyMap<string, string | null>, signal?: AbortSignal): Promise<void>;
}

/** The queue of one reconcile. */
export interface CheckpointQueue {
  /** Queues a report for the next write; returns at once. */
  set(path: string, content: string): void;
  /** Resolves once nothing is queued or being written (a failed write is logged, not thrown). */
  settled(): Promise<void>;
}

/**
 * A queue over `port`. Once `signal` aborts (the reconcile is stopped, or leadership lost) no
 * further write starts: only a leader's running reconcile writes reports.
 */
export function checkpointQueue(
  port: CheckpointPort,
  options: { readonly logger: Logger; readonly signal?: AbortSignal },
): CheckpointQueue {
  let queued = new Map<string, string | null>();
  let writing: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    // Starts on a later tick: the statuses of one synchronous burst go in one write.
    await Promise.resolve();
    while (queued.size > 0 && options.signal?.aborted !== true) {
      const files = queued;
      queued = new Map();
      try {
        await port.save(files, options.signal);
      } catch (e) {
        // The end-of-reconcile write carries the same reports; a checkpoint is an early copy.
        options.logger.warn({ reports: [...files.keys()], error: errorMessage(e) }, "checkpoint not written");
      }
    }
    writing = undefined;
  };
  return {
    set(path, content) {
      queued.set(path, content);
      writing ??= drain();
    },
    settled: () => writing ?? Promise.resolve(),
  };
}
