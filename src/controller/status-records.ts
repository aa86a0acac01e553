/**
 * The controller's memory is the status branch: the reports of the last reconcile, read back
 * with isomorphic-git (no checkout). Kept in memory between reconciles — only the leader
 * writes reports, and its own commits update the copy — so a reconcile with nothing to do
 * costs no request; a replica that becomes leader invalidates it and reads the branch again.
 */
import * as fs from "node:fs";
import { gitTree } from "../manifests/tree-git.js";
import type { GitRemote } from "../gitops/git/remote.js";
import { parseReport, type Report } from "../gitops/reconcile/report.js";

export interface StatusRecordStore {
  /** The reports on the status branch (from memory after the first read). */
  read(signal?: AbortSignal): Promise<ReadonlyMap<string, Report>>;
  /** Forget the copy in memory: the next read reads the branch. */
  invalidate(): void;
  /** After a status commit: the records are `previous` with `files` applied, at `tip`. */
  applied(tip: string | undefined, files: ReadonlyMap<string, string | null>): void;
}

/** Records of `branch` (in `folder`) on `remote`. */
export function statusRecordStore(remote: GitRemote, branch: string, folder = "status"): StatusRecordStore {
  let cached: { tip: string | undefined; records: Map<string, Report> } | undefined;
  return {
    async read(signal) {
      if (cached !== undefined) return cached.records;
      const head = await remote.head(branch, signal);
      const records = new Map<string, Report>();
      if (head !== undefined) {
        await remote.fetch(branch, signal);
        const tree = gitTree({ fs, gitdir: remote.gitdir, ref: head });
        for (const entry of await tree.list([folder])) {
          if (!entry.path.endsWith(".yaml")) continue;
          const report = parseReport(new TextDecoder().decode(await tree.read(entry.path)));
          if (report !== undefined) records.set(entry.path, report);
        }
      }
      cached = { tip: head, records };
      return records;
    },
    invalidate() {
      cached = undefined;
    },
    applied(tip, files) {
      if (cached === undefined) return;
      const records = new Map(cached.records);
      for (const [path, text] of files) {
        const report = text === null ? undefined : parseReport(text);
        if (report === undefined) records.delete(path);
        else records.set(path, report);
      }
      cached = { tip: tip ?? cached.tip, records };
    },
  };
}
