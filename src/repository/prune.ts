import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { BackupStore } from "./backup-store.js";
import type { ContentStore } from "./content-store.js";
import { listLocks, type LockInfo } from "./locks.js";

export interface PruneOptions {
  readonly clock: Clock;
  /** Locks older than this are left by crashed writers and ignored (default 6 hours). */
  readonly staleLockAfterMs?: number;
  /** Report what would be deleted without deleting. */
  readonly dryRun?: boolean;
}

export interface PruneResult {
  readonly backups: number;
  readonly referenced: number;
  /** Content objects deleted (or that would be, on a dry run). */
  readonly deleted: readonly string[];
  readonly staleLocksRemoved: number;
}

/**
 * Mark and sweep over `objects/`: deletes content objects that no backup manifest names.
 * Refuses (Conflict) while a writer holds a fresh lock, since its objects have no manifest
 * yet. Only `objects/` is swept: the data mover's `packs/`, `index/` and `snapshots/` are
 * its own to collect.
 */
export async function pruneRepository(
  repo: { readonly content: ContentStore; readonly backups: BackupStore },
  options: PruneOptions,
): Promise<PruneResult> {
  const staleAfter = options.staleLockAfterMs ?? 6 * 60 * 60 * 1000;
  const store = repo.content.store;
  const { stale } = await checkLocks(await listLocks(store), options.clock, staleAfter);
  const referenced = new Set<string>();
  const names = await repo.backups.listBackups();
  // Any unreadable manifest aborts the prune: deleting while unsure would lose data.
  for (const name of names) {
    for (const group of (await repo.backups.readManifest(name)).groups) referenced.add(group.object);
  }
  // A backup may have started while we were marking.
  await checkLocks(await listLocks(store), options.clock, staleAfter);
  const deleted: string[] = [];
  for await (const id of repo.content.listObjects()) {
    if (referenced.has(id)) continue;
    deleted.push(id);
    if (options.dryRun !== true) await repo.content.deleteObject(id);
  }
  if (options.dryRun !== true) for (const lock of stale) await store.delete(lock.key);
  return { backups: names.length, referenced: referenced.size, deleted, staleLocksRemoved: stale.length };
}

function checkLocks(
  locks: readonly LockInfo[],
  clock: Clock,
  staleAfterMs: number,
): Promise<{ stale: LockInfo[] }> {
  const now = clock.now().getTime();
  const fresh = locks.filter((l) => now - Date.parse(l.createdAt) < staleAfterMs);
  if (fresh.length > 0) {
    const who = fresh.map((l) => `${l.operation} ${l.name} since ${l.createdAt}`).join(", ");
    return Promise.reject(
      new FerryError("Conflict", `cannot prune while the repository is being written (${who})`, {
        data: { locks: fresh.map((l) => l.key) },
      }),
    );
  }
  return Promise.resolve({ stale: [...locks] });
}
