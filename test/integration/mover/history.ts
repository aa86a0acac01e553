import { randomBytes } from "node:crypto";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { systemClock, type Clock } from "../../../src/core/clock.js";
import { backup } from "../../../src/mover/backup.js";
import type { Compression } from "../../../src/mover/blob-codec.js";
import type { RepositoryKey } from "../../../src/repository/crypto.js";
import type { ObjectStore } from "../../../src/repository/object-store.js";
import { describeTree, type EntryInfo } from "./fixture.js";

export interface Generation {
  readonly snapshotId: string;
  /** The source as it was when this snapshot was taken. */
  readonly entries: Record<string, EntryInfo>;
}

const HOUR = 3_600_000;

/** A clock stopped at `hour` hours after a fixed start: snapshots get distinct, ordered times. */
export function clockAt(hour: number): Clock {
  const at = Date.parse("2026-05-01T00:00:00Z") + hour * HOUR;
  return { now: () => new Date(at), sleep: (ms, signal) => systemClock.sleep(ms, signal) };
}

/** Writes generation `g` of a small volume: 30 small files, a 2 MiB file, a compressible log. */
export async function writeGeneration(source: string, g: number): Promise<void> {
  await mkdir(join(source, "small"), { recursive: true });
  if (g === 0) {
    for (let i = 0; i < 30; i++)
      await writeFile(join(source, "small", `f${i}.bin`), randomBytes(8_000 + i * 4_000));
    await writeFile(join(source, "big.bin"), randomBytes(2 * 1024 * 1024));
    await writeFile(join(source, "app.log"), "ferry replicates volumes\n".repeat(8_000));
    return;
  }
  // Each later generation rewrites 6 small files, drops one file and adds another.
  for (let k = 0; k < 6; k++) {
    const i = (g * 6 + k) % 30;
    await writeFile(join(source, "small", `f${i}.bin`), randomBytes(8_000 + i * 4_000));
  }
  await rm(join(source, `gen-${g - 1}.bin`), { force: true });
  await writeFile(join(source, `gen-${g}.bin`), randomBytes(300 * 1024));
  await writeFile(join(source, "app.log"), `generation ${g}\n`.repeat(8_000));
}

/** Backs up `generations` versions of `source`, each incremental on the last. */
export async function backupHistory(options: {
  readonly store: ObjectStore;
  readonly key: RepositoryKey | undefined;
  readonly source: string;
  readonly generations: number;
  readonly compression?: Compression;
  readonly tags?: Record<string, string>;
}): Promise<Generation[]> {
  const out: Generation[] = [];
  for (let g = 0; g < options.generations; g++) {
    await writeGeneration(options.source, g);
    const result = await backup({
      store: options.store,
      key: options.key,
      source: options.source,
      ...(g === 0 ? {} : { parent: "latest" }),
      compression: options.compression ?? "off",
      packSize: 256 * 1024,
      tags: { pvc: "data-0", cycle: `c${g}`, ...options.tags },
      clock: clockAt(g),
    });
    out.push({ snapshotId: result.snapshotId, entries: (await describeTree(options.source)).entries });
  }
  return out;
}

/** Bytes of every file under `dir`. */
export async function du(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    total += e.isDirectory() ? await du(path) : (await stat(path)).size;
  }
  return total;
}

/** Keys under `prefix`. */
export async function keys(store: ObjectStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix)) out.push(k);
  return out;
}
