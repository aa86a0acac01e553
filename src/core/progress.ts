/**
 * Every long operation reports progress events; the CLI draws them, the controller puts
 * them in status and metrics.
 */
export interface ProgressEvent {
  /** What is progressing, e.g. "export", "restore:west-1", "upload". */
  readonly task: string;
  readonly done: number;
  readonly total?: number;
  readonly bytesDone?: number;
  readonly bytesTotal?: number;
  readonly message?: string;
}

export type ProgressSink = (event: ProgressEvent) => void;

export const noProgress: ProgressSink = () => undefined;
