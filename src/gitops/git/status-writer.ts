import type { Clock } from "../../core/clock.js";
import { FerryError } from "../../core/errors.js";
import { DEFAULT_AUTHOR, hasCommit, treeOf, writeCommit } from "./commit.js";
import type { CommitAuthor } from "./commit.js";
import { throwIfAborted } from "./git-error.js";
import type { GitRemote } from "./remote.js";
import { STATUS_FOLDER, reportPhase, statusCommitMessage } from "./status-layout.js";
import type { ChangedReport } from "./status-layout.js";
import { editTree } from "./tree-edit.js";

export interface StatusCommitRequest {
  /** Report path (see `statusReportPath`) → YAML, or null to delete the report. */
  readonly files: ReadonlyMap<string, string | null>;
  /**
   * `ferry/status` by default (an orphan branch of reports only). Pass the desired-state
   * branch for the "status/ folder on the same branch" mode: the reports are written over
   * its tip and everything else on it is left as it is.
   */
  readonly branch?: string;
  /** Overrides the generated summary (counts by phase and the first changed reports). */
  readonly message?: string;
  readonly author?: CommitAuthor;
  /** The folder the reports live in, for the summary; default `status`. */
  readonly folder?: string;
  readonly signal?: AbortSignal;
}

export interface StatusWriterDeps {
  readonly remote: GitRemote;
  readonly clock: Clock;
  /** Push attempts before giving up when others keep moving the branch (default 5). */
  readonly maxAttempts?: number;
  /** First backoff after a rejected push, doubled each time (default 200 ms). */
  readonly backoffMs?: number;
}

export interface StatusCommitResult {
  /** The new commit, or undefined when the reports were already as given (no empty commit). */
  readonly commit?: string;
  /** The branch tip after the call. */
  readonly tip?: string;
  readonly changed: readonly ChangedReport[];
  /** Pushes tried: more than one means another writer moved the branch in between. */
  readonly attempts: number;
}

export const DEFAULT_STATUS_BRANCH = "ferry/status";

/**
 * Commits the reports onto the status branch without a checkout and pushes. When another
 * writer moved the branch first, the reports are re-applied onto the new tip and pushed again:
 * one file per object makes "last writer wins per file" the right merge, and no report is lost.
 */
export async function writeStatusCommit(
  deps: StatusWriterDeps,
  request: StatusCommitRequest,
): Promise<StatusCommitResult> {
  const { remote, clock } = deps;
  const branch = request.branch ?? DEFAULT_STATUS_BRANCH;
  const maxAttempts = deps.maxAttempts ?? 5;
  const folder = request.folder ?? STATUS_FOLDER;
  for (let attempt = 1; ; attempt += 1) {
    throwIfAborted(request.signal);
    const tip = await currentTip(remote, branch, request.signal);
    const base = tip === undefined ? undefined : await treeOf(remote.gitdir, tip);
    const { tree, changed } = await editTree({ gitdir: remote.gitdir, base, changes: request.files });
    const reports: ChangedReport[] = changed.map((c) => {
      const content = request.files.get(c.path);
      const phase = c.deleted || typeof content !== "string" ? undefined : reportPhase(content);
      return phase === undefined
        ? { path: c.path, deleted: c.deleted }
        : { path: c.path, phase, deleted: c.deleted };
    });
    if (tree === base || (tip === undefined && changed.length === 0)) {
      return { ...(tip === undefined ? {} : { tip }), changed: [], attempts: attempt - 1 };
    }
    const commit = await writeCommit({
      gitdir: remote.gitdir,
      tree,
      parents: tip === undefined ? [] : [tip],
      message: request.message ?? statusCommitMessage(reports, folder),
      author: request.author ?? DEFAULT_AUTHOR,
      clock,
    });
    const outcome = await remote.update({
      branch,
      commit,
      expected: tip,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    if (outcome === "ok") return { commit, tip: commit, changed: reports, attempts: attempt };
    if (attempt >= maxAttempts) {
      throw new FerryError(
        "Conflict",
        `status push to ${branch} on ${remote.display} rejected ${attempt} times`,
        {
          data: { branch, remote: remote.display, attempts: attempt },
        },
      );
    }
    await clock.sleep((deps.backoffMs ?? 200) * 2 ** (attempt - 1), request.signal);
  }
}

/** The branch tip, fetched only when it is not already in the local object database. */
async function currentTip(
  remote: GitRemote,
  branch: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const head = await remote.head(branch, signal);
  if (head === undefined || (await hasCommit(remote.gitdir, head))) return head;
  return remote.fetch(branch, signal);
}

/** The port the controller writes reports through: one call per reconcile. */
export interface StatusSink {
  write(files: ReadonlyMap<string, string | null>, signal?: AbortSignal): Promise<StatusCommitResult>;
}

/** A StatusSink over `writeStatusCommit` with the branch, author and folder fixed at start-up. */
export function gitStatusSink(
  deps: StatusWriterDeps,
  defaults: Omit<StatusCommitRequest, "files" | "signal" | "message"> = {},
): StatusSink {
  return {
    write: (files, signal) =>
      writeStatusCommit(deps, { ...defaults, files, ...(signal === undefined ? {} : { signal }) }),
  };
}
