import { FerryError } from "./errors.js";

/** Time as an input: poll loops, retries and schedules take a Clock so tests never sleep for real. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or rejects with an Aborted FerryError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new FerryError("Aborted", "aborted"));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new FerryError("Aborted", "aborted"));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};
