/**
 * How `ferry migrate` shows a run: progress bars (cli-progress) on a terminal, one bar per
 * task (export, backup, each target's restore); JSON lines of the run's events otherwise,
 * for CI logs and scripts.
 */
import cliProgress from "cli-progress";
import type { ProgressEvent } from "../../core/progress.js";
import type { MigrationEvent } from "../../engine/status/events.js";

export interface ProgressView {
  onEvent(event: MigrationEvent): void;
  onProgress(event: ProgressEvent): void;
  stop(): void;
}

export function progressView(stream: NodeJS.WriteStream, tty: boolean): ProgressView {
  if (!tty) {
    return {
      onEvent: (event) => stream.write(`${JSON.stringify(event)}\n`),
      onProgress: () => undefined,
      stop: () => undefined,
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: " {task} [{bar}] {value}/{total} {message}",
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const byTask = new Map<string, cliProgress.SingleBar>();
  const label = (task: string): string => (task.startsWith("backup:") ? "backup" : task).padEnd(18);
  return {
    onEvent: (event) => {
      if (event.type === "PrecheckCompleted") bars.log(`pre-checks: ${event.message}\n`);
      if (event.type === "RestoreFailed") bars.log(`restore to ${event.cluster} failed: ${event.reason}\n`);
    },
    onProgress: (event) => {
      const total = event.total ?? event.done;
      let bar = byTask.get(event.task);
      if (bar === undefined) {
        bar = bars.create(total, 0, { task: label(event.task), message: "" });
        byTask.set(event.task, bar);
      }
      bar.setTotal(total);
      bar.update(event.done, { task: label(event.task), message: event.message ?? "" });
    },
    stop: () => bars.stop(),
  };
}
