/**
 * Who watches a mover command's progress: with `--json`, progress lines on stdout (the engine
 * follows a mover Job through them); on a terminal, a bar on stderr (cli-progress); otherwise
 * nobody, and then the mover is given no sink, so a backup skips the scan that counts totals
 * (an lstat of every file) only progress needs.
 */
import type { SingleBar } from "cli-progress";
import type { ProgressEvent, ProgressSink } from "../../core/progress.js";

export interface MoverProgress {
  readonly sink: ProgressSink | undefined;
  stop(): void;
}

export async function moverProgress(
  json: boolean,
  out: NodeJS.WritableStream,
  err: NodeJS.WriteStream,
): Promise<MoverProgress> {
  if (json) return { sink: (e) => out.write(`${JSON.stringify(progressLine(e))}\n`), stop: () => undefined };
  if (err.isTTY !== true) return { sink: undefined, stop: () => undefined };
  // Loaded only for a terminal: a mover Job (--json) starts ~12 ms sooner without it.
  const bars = await import("cli-progress");
  let bar: SingleBar | undefined;
  return {
    sink: (e) => {
      // Bytes when the total is known (a scan or the parent snapshot gives it), else files.
      const [value, total] =
        e.bytesTotal !== undefined ? [e.bytesDone ?? 0, e.bytesTotal] : [e.done, e.total ?? 0];
      const payload = {
        pct: total === 0 ? "  ?%" : `${Math.min(100, Math.floor((100 * value) / total))}%`.padStart(4),
        size: e.bytesTotal === undefined ? mib(e.bytesDone ?? 0) : `${mib(value)}/${mib(total)}`,
        files: `${e.done}${e.total === undefined ? "" : `/${e.total}`} ${e.task === "restore" ? "packs" : "files"}`,
      };
      if (bar === undefined) {
        bar = new bars.SingleBar(
          { stream: err, format: ` ${e.task} [{bar}] {pct} {size} {files}`, hideCursor: true, barsize: 30 },
          bars.Presets.shades_classic,
        );
        bar.start(Math.max(total, value, 1), total === 0 ? 0 : value, payload);
      }
      bar.setTotal(Math.max(total, value, 1));
      bar.update(total === 0 ? 0 : value, payload);
    },
    stop: () => bar?.stop(),
  };
}

/** A progress event as a JSON line's fields. */
function progressLine(e: ProgressEvent): Record<string, unknown> {
  return {
    type: "progress",
    task: e.task,
    done: e.done,
    total: e.total ?? null,
    bytesDone: e.bytesDone ?? 0,
    bytesTotal: e.bytesTotal ?? null,
  };
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
