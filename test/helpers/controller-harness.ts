import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FerryError } from "../../src/core/errors.js";
import type { Clock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/core/logger.js";
import { startControllers, type RunningControllers } from "../../src/local/controllers/index.js";
import { R } from "../../src/local/controllers/runtime/gvr.js";
import { LOCAL_PROVISIONER } from "../../src/local/seed.js";
import { FakeLocalApi } from "./fake-local-api.js";

/**
 * A clock for controller tests: time moves only when something sleeps, and a sleep ends on
 * the next turn of the event loop with the clock advanced by its duration — simulated
 * durations and schedules pass at once, in order, without real waiting.
 */
export class SteppingClock implements Clock {
  constructor(private current = new Date("2026-01-01T00:00:00Z")) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new FerryError("Aborted", "aborted"));
        return;
      }
      setImmediate(() => {
        if (signal?.aborted) {
          reject(new FerryError("Aborted", "aborted"));
          return;
        }
        this.advance(ms);
        resolve();
      });
    });
  }
}

/** What the real store seeds into a new cluster (src/local/seed.ts) that the controllers rely on. */
function seedFake(api: FakeLocalApi): void {
  api.create(R.storageClasses, {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: LOCAL_PROVISIONER,
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
    allowVolumeExpansion: true,
  });
  api.create(R.volumeSnapshotClasses, {
    apiVersion: "snapshot.storage.k8s.io/v1",
    kind: "VolumeSnapshotClass",
    metadata: {
      name: "standard-snapshot",
      annotations: { "snapshot.storage.kubernetes.io/is-default-class": "true" },
    },
    driver: LOCAL_PROVISIONER,
    deletionPolicy: "Delete",
  });
}

export interface Harness {
  readonly api: FakeLocalApi;
  readonly clock: Clock;
  readonly dataDir: string;
  readonly controllers: RunningControllers;
  close(): Promise<void>;
}

/** The real controllers over a FakeLocalApi, a stepping clock and a temporary data directory. */
export async function startHarness(
  options: { ferryCommand?: string[]; clock?: Clock; clusterName?: string } = {},
): Promise<Harness> {
  const api = new FakeLocalApi();
  seedFake(api);
  const clock = options.clock ?? new SteppingClock();
  const dataDir = await mkdtemp(join(tmpdir(), "ferry-controllers-"));
  const controllers = startControllers({
    api,
    clock,
    dataDir,
    clusterName: options.clusterName ?? "test",
    ferryCommand: options.ferryCommand ?? [process.execPath, join(process.cwd(), "bin", "ferry.js")],
    logger: silentLogger,
  });
  return {
    api,
    clock,
    dataDir,
    controllers,
    close: async () => {
      await controllers.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
