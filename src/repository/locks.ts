import { randomBytes } from "node:crypto";
import type { Clock } from "../core/clock.js";
import type { ObjectStore } from "./object-store.js";

/**
 * Advisory locks under `locks/`: a writer announces itself before it uploads objects that
 * no manifest names yet, so `prune` does not sweep them. Object stores have no
 * compare-and-swap, so these are not mutual exclusion between writers (which content
 * addressing makes unnecessary), only a signal to prune.
 */
export interface RepositoryLock {
  readonly key: string;
  release(): Promise<void>;
}

export interface LockInfo {
  readonly key: string;
  readonly operation: string;
  readonly name: string;
  readonly createdAt: string;
}

/** Writes a lock for `operation` on `name`; release it when the manifest is written. */
export async function acquireLock(
  store: ObjectStore,
  options: { readonly operation: string; readonly name: string; readonly clock: Clock },
): Promise<RepositoryLock> {
  const key = `locks/${options.operation}-${randomBytes(8).toString("hex")}.json`;
  const info = {
    operation: options.operation,
    name: options.name,
    createdAt: options.clock.now().toISOString(),
  };
  await store.put(key, Buffer.from(JSON.stringify(info)));
  return { key, release: () => store.delete(key) };
}

/** Every lock; unreadable ones are reported with an epoch `createdAt` (so they count as stale). */
export async function listLocks(store: ObjectStore): Promise<LockInfo[]> {
  const locks: LockInfo[] = [];
  for await (const key of store.list("locks/")) {
    let parsed: Partial<LockInfo> = {};
    try {
      parsed = JSON.parse(Buffer.from(await store.get(key)).toString("utf8")) as Partial<LockInfo>;
    } catch {
      // A lock deleted or half-understood between list and get: treat as stale.
    }
    locks.push({
      key,
      operation: typeof parsed.operation === "string" ? parsed.operation : "unknown",
      name: typeof parsed.name === "string" ? parsed.name : "unknown",
      createdAt:
        typeof parsed.createdAt === "string" && !Number.isNaN(Date.parse(parsed.createdAt))
          ? parsed.createdAt
          : new Date(0).toISOString(),
    });
  }
  return locks;
}
