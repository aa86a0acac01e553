import { randomBytes } from "node:crypto";
import { hostname as osHostname } from "node:os";
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import { listLocks, type LockInfo } from "../repository/locks.js";
import type { ObjectStore } from "../repository/object-store.js";

/**
 * Mover locks, in the repository's `locks/` prefix next to the resource backups' locks and in
 * their format (`operation`, `name`, `createdAt`), so `src/repository/prune.ts` sees them too.
 * Backup and restore hold a shared lock, prune an exclusive one. A lock is renewed every
 * `refreshEveryMs` (its `createdAt` is the time of the last renewal) and counts as stale —
 * left by a process that died — once it is `staleAfterMs` old.
 *
 * Object stores have no compare-and-swap, so taking a lock is "write mine, then look": two
 * processes racing both see each other and both give up, never both proceed.
 */
export type MoverLockKind = "backup" | "restore" | "prune";

export interface MoverLockOptions {
  readonly store: ObjectStore;
  readonly kind: MoverLockKind;
  readonly clock: Clock;
  readonly hostname?: string;
  /** Default 30 minutes (restic's). */
  readonly staleAfterMs?: number;
  /** Default 5 minutes. */
  readonly refreshEveryMs?: number;
}

export interface MoverLock {
  readonly key: string;
  /** Throws when the lock may have been taken for stale (a renewal failed or came too late). */
  check(): void;
  release(): Promise<void>;
}

export const STALE_LOCK_MS = 30 * 60_000;
const REFRESH_MS = 5 * 60_000;
const PREFIX = "mover-";

/** Other locks that forbid taking `own`, and stale mover locks (removable by an exclusive holder). */
export function judgeLocks(
  own: { readonly key: string; readonly kind: MoverLockKind },
  locks: readonly LockInfo[],
  now: number,
  staleAfterMs: number,
): { conflicts: LockInfo[]; stale: LockInfo[] } {
  const conflicts: LockInfo[] = [];
  const stale: LockInfo[] = [];
  for (const lock of locks) {
    if (lock.key === own.key || !lock.operation.startsWith(PREFIX)) continue;
    if (now - Date.parse(lock.createdAt) >= staleAfterMs) stale.push(lock);
    else if (own.kind === "prune" || lock.operation === `${PREFIX}prune`) conflicts.push(lock);
  }
  return { conflicts, stale };
}

/** Takes a lock or throws Conflict naming who holds the repository. */
export async function acquireMoverLock(options: MoverLockOptions): Promise<MoverLock> {
  const { store, kind, clock } = options;
  const staleAfterMs = options.staleAfterMs ?? STALE_LOCK_MS;
  const refreshEveryMs = options.refreshEveryMs ?? REFRESH_MS;
  const host = options.hostname ?? osHostname();
  const key = `locks/${PREFIX}${kind}-${randomBytes(8).toString("hex")}.json`;
  const startedAt = clock.now().toISOString();
  const write = (at: Date): Promise<void> =>
    store.put(
      key,
      Buffer.from(
        JSON.stringify({
          operation: `${PREFIX}${kind}`,
          name: `${host} pid ${process.pid}`,
          createdAt: at.toISOString(),
          startedAt,
          host,
          pid: process.pid,
          exclusive: kind === "prune",
        }),
      ),
    );
  let renewed = clock.now();
  await write(renewed);
  const { conflicts, stale } = judgeLocks(
    { key, kind },
    await listLocks(store),
    clock.now().getTime(),
    staleAfterMs,
  );
  if (conflicts.length > 0) {
    await store.delete(key);
    const who = conflicts.map(
      (l) => `${l.operation.slice(PREFIX.length)} by ${l.name} (renewed ${l.createdAt})`,
    );
    throw new FerryError("Conflict", `the repository ${store.description} is locked: ${who.join(", ")}`, {
      data: { locks: conflicts.map((l) => l.key) },
    });
  }
  if (kind === "prune") for (const l of stale) await store.delete(l.key);

  const stop = new AbortController();
  let failure: unknown;
  const renewing = (async () => {
    while (!stop.signal.aborted) {
      try {
        await clock.sleep(refreshEveryMs, stop.signal);
        const at = clock.now();
        await write(at);
        renewed = at;
      } catch (e) {
        if (!stop.signal.aborted) failure ??= e;
        return;
      }
    }
  })();
  return {
    key,
    check: () => {
      if (failure !== undefined)
        throw new FerryError("Conflict", `the lock ${key} could not be renewed`, { cause: failure });
      if (clock.now().getTime() - renewed.getTime() >= staleAfterMs)
        throw new FerryError("Conflict", `the lock ${key} went stale (not renewed for ${staleAfterMs} ms)`);
    },
    release: async () => {
      stop.abort();
      await renewing;
      await store.delete(key);
    },
  };
}

/** Runs `body` holding a lock; releases it however `body` ends. */
export async function withMoverLock<T>(
  options: MoverLockOptions,
  body: (lock: MoverLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireMoverLock(options);
  try {
    return await body(lock);
  } finally {
    // A lock that cannot be deleted goes stale on its own; it must not turn a finished
    // backup or restore into a failure.
    await lock.release().catch(() => undefined);
  }
}
