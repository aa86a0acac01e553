import { expect, test } from "vitest";
import { spawnModuleWorker } from "../../../src/mover/workers/spawn.js";

test("a TypeScript worker module runs in a worker thread with its workerData", async () => {
  const worker = spawnModuleWorker(new URL("./fixtures/times-worker.js", import.meta.url), {
    workerData: { n: 3 },
  });
  try {
    const answer = await new Promise((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.postMessage(7);
    });
    expect(answer).toBe(21);
  } finally {
    await worker.terminate();
  }
});

test("a worker module that fails to load reports the error", async () => {
  const worker = spawnModuleWorker(new URL("./fixtures/no-such-worker.ts", import.meta.url));
  const error = await new Promise<Error>((resolve) => worker.once("error", resolve));
  expect(error.message).toMatch(/no-such-worker/);
});
