import type { Clock } from "../../core/clock.js";
import { FerryError } from "../../core/errors.js";
import { DEFAULT_AUTHOR, hasCommit, parentOf, treeOf, writeCommit } from "./commit.js";
import type { CommitAuthor } from "./commit.js";
import type { GitRemote } from "./remote.js";
import { editTree } from "./tree-edit.js";

/** One proposed file: the full new content, or null to delete the file. */
export interface FileChange {
  readonly path: string;
  readonly content: string | null;
}

export interface ProposalBranchRequest {
  /** The desired-state commit the proposal is based on (present in `remote.gitdir`). */
  readonly base: string;
  /** E.g. `ferry/remediate/<object>` or `ferry/failover/<name>`. */
  readonly branch: string;
  readonly changes: readonly FileChange[];
  readonly message: string;
  readonly author?: CommitAuthor;
  readonly signal?: AbortSignal;
}

export interface ProposalBranchResult {
  readonly commit: string;
  /** `unchanged`: the branch already holds exactly this proposal on this base. */
  readonly outcome: "created" | "updated" | "unchanged";
}

/** The branch Ferry proposes a remediation on, one per object: `ferry/remediate/<kind>-<namespace>-<name>`. */
export function remediationBranch(subject: { kind: string; name: string; namespace?: string }): string {
  const parts = [
    subject.kind.toLowerCase(),
    ...(subject.namespace === undefined ? [] : [subject.namespace]),
    subject.name,
  ];
  return `ferry/remediate/${parts.join("-")}`;
}

/**
 * Commits the proposed changes onto `base`'s tree (no checkout) and force-pushes `branch`.
 * Re-running with the same content on the same base pushes nothing, so a proposal is
 * updated rather than duplicated; a proposal that changes nothing is refused.
 */
export async function pushProposalBranch(
  deps: { readonly remote: GitRemote; readonly clock: Clock },
  request: ProposalBranchRequest,
): Promise<ProposalBranchResult> {
  const { remote } = deps;
  const gitdir = remote.gitdir;
  if (!(await hasCommit(gitdir, request.base))) {
    throw new FerryError(
      "NotFound",
      `base commit ${request.base} is not in the local copy of ${remote.display}`,
      {
        data: { base: request.base },
      },
    );
  }
  const baseTree = await treeOf(gitdir, request.base);
  const { tree } = await editTree({
    gitdir,
    base: baseTree,
    changes: new Map(request.changes.map((c) => [c.path, c.content])),
  });
  if (tree === baseTree) {
    throw new FerryError(
      "Invalid",
      `the proposal for ${request.branch} changes nothing on ${request.base.slice(0, 12)}`,
      {
        data: { branch: request.branch },
      },
    );
  }
  let current = await remote.head(request.branch, request.signal);
  if (current !== undefined && !(await hasCommit(gitdir, current))) {
    current = await remote.fetch(request.branch, request.signal);
  }
  if (
    current !== undefined &&
    (await treeOf(gitdir, current)) === tree &&
    (await parentOf(gitdir, current)) === request.base
  ) {
    return { commit: current, outcome: "unchanged" };
  }
  const commit = await writeCommit({
    gitdir,
    tree,
    parents: [request.base],
    message: request.message,
    author: request.author ?? DEFAULT_AUTHOR,
    clock: deps.clock,
  });
  const pushed = await remote.update({
    branch: request.branch,
    commit,
    expected: current,
    force: true,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  if (pushed === "rejected") {
    throw new FerryError(
      "Conflict",
      `${request.branch} on ${remote.display} is being written by someone else`,
      {
        data: { branch: request.branch },
      },
    );
  }
  return { commit, outcome: current === undefined ? "created" : "updated" };
}
