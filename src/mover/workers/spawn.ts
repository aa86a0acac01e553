import { createRequire } from "node:module";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread running the module at `url`. Built code (`.js`) is imported as it is;
 * sources (`.ts`, when Ferry runs through tsx or under vitest) are loaded with tsx's API in the
 * worker, since a worker does not inherit the loader the main thread was started with.
 */
export function spawnModuleWorker(url: URL, options: WorkerOptions = {}): Worker {
  // tsx's ESM entry: its CommonJS one cannot load the ESM loader from an eval'd worker.
  const tsx = url.pathname.endsWith(".ts")
    ? createRequire(import.meta.url)
        .resolve("tsx/esm/api")
        .replace(/\.cjs$/, ".mjs")
    : undefined;
  const boot = `
    const { workerData } = require("node:worker_threads");
    const { pathToFileURL } = require("node:url");
    const { module, tsx } = workerData.__boot;
    (tsx === undefined
      ? import(module)
      : import(pathToFileURL(tsx).href).then((api) => api.tsImport(module, module))
    ).catch((err) => { process.nextTick(() => { throw err; }); });
  `;
  const workerData: unknown = options.workerData;
  return new Worker(boot, {
    ...options,
    eval: true,
    workerData: { ...(workerData as object), __boot: { module: url.href, tsx } },
  });
}
