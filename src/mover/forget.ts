import type { RepositoryKey } from "../repository/crypto.js";
import type { ObjectStore } from "../repository/object-store.js";
import { applyRetention, type KeepReason, type RetentionPolicy } from "./retention.js";
import { listSnapshots } from "./snapshot.js";
import { openWithoutIndex } from "./unindexed-view.js";

export interface ForgetOptions {
  readonly store: ObjectStore;
  readonly key?: RepositoryKey | undefined;
  readonly policy: RetentionPolicy;
  /** Decide and report only. */
  readonly dryRun?: boolean;
}

export interface ForgottenSnapshot {
  readonly id: string;
  readonly time: string;
  readonly group: string;
}

export interface ForgetReport {
  readonly dryRun: boolean;
  readonly kept: readonly (ForgottenSnapshot & { readonly reasons: readonly KeepReason[] })[];
  readonly removed: readonly ForgottenSnapshot[];
  /** Snapshots that did not match the policy's tags. */
  readonly untouched: number;
}

/**
 * Deletes the snapshot roots the retention policy does not keep (`applyRetention` decides).
 * Only `snapshots/<id>.json` objects go; their data stays until `prune`. Deleting a root is
 * one atomic delete, so an interrupted forget leaves whole snapshots, and no lock is needed:
 * a concurrent prune marks from the snapshots it listed, which only makes it keep more.
 */
export async function forget(options: ForgetOptions): Promise<ForgetReport> {
  const repo = await openWithoutIndex(options.store, options.key);
  const snapshots = await listSnapshots(repo);
  const decision = applyRetention(snapshots, options.policy);
  const time = new Map(snapshots.map((s) => [s.id, s.time]));
  const removed = decision.forget.map((f) => ({ ...f, time: time.get(f.id) ?? "" }));
  if (options.dryRun !== true) {
    for (const s of removed) await options.store.delete(`snapshots/${s.id}.json`);
  }
  return {
    dryRun: options.dryRun === true,
    kept: decision.keep.map((k) => ({ ...k, time: time.get(k.id) ?? "" })),
    removed,
    untouched: decision.untouched,
  };
}
