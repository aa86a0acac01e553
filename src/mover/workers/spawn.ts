import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread running the module at `url` (name it `./x.js`: from the sources,
 * `./x.ts` is used). Built code (`.js`) is imported as it is;
 * sources (`.ts`, when Ferry runs through tsx or under vitest) are loaded with tsx's API in the
 * worker, since a worker does not inherit the loader the main thread was started with.
 */
export function spawnModuleWorker(given: URL, options: WorkerOptions = {}): Worker {
  // Callers name the built module (`./x.js`); beside the sources only `./x.ts` exists.
  const url =
    given.pathname.endsWith(".js") &&
    !existsSync(given) &&
    existsSync(new URL(given.href.replace(/\.js$/, ".ts")))
      ? new URL(given.href.replace(/\.js$/, ".ts"))
      : given;
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
