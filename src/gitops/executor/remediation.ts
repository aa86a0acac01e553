/**
 * Remediation proposals as branches and pull requests: one branch per object
 * (`ferry/remediate/<kind>-<namespace>-<name>`), updated rather than duplicated; with GitHub,
 * one PR per branch whose body explains the pre-check result, closed (and the branch
 * deleted) when no longer needed. Without GitHub the branch is only pushed and listed in status.
 */
import type { Clock } from "../../core/clock.js";
import { redact } from "../../core/errors.js";
import type { CommitAuthor } from "../git/commit.js";
import { pushProposalBranch, remediationBranch, type FileChange } from "../git/remediation-branch.js";
import type { GitRemote } from "../git/remote.js";
import type { GitHubPort } from "../github/port.js";
import type { RemediationRecord } from "../reconcile/report.js";

export interface ProposeRequest {
  readonly subject: { readonly kind: string; readonly name: string; readonly namespace?: string };
  /** The desired-state commit the proposal is based on. */
  readonly base: string;
  /** The desired-state branch the PR targets. */
  readonly baseBranch: string;
  readonly changes: readonly FileChange[];
  readonly title: string;
  readonly body: string;
  readonly signal?: AbortSignal;
}

/** The port the executor proposes and withdraws remediations through. */
export interface RemediationPort {
  propose(request: ProposeRequest): Promise<RemediationRecord>;
  /** Closes the PR (with `reason` as a comment) and deletes the branch; absent ones are fine. */
  withdraw(branch: string, reason: string, signal?: AbortSignal): Promise<void>;
}

export interface GitRemediationDeps {
  readonly remote: GitRemote;
  readonly clock: Clock;
  readonly github?: GitHubPort;
  readonly author?: CommitAuthor;
}

/** A RemediationPort over Ferry's Git plumbing and, when configured, GitHub. */
export function gitRemediation(deps: GitRemediationDeps): RemediationPort {
  return {
    async propose(request) {
      const branch = remediationBranch(request.subject);
      const pushed = await pushProposalBranch(
        { remote: deps.remote, clock: deps.clock },
        {
          base: request.base,
          branch,
          changes: request.changes,
          message: `${request.title}\n\n${redact(request.body)}`,
          ...(deps.author === undefined ? {} : { author: deps.author }),
          ...(request.signal === undefined ? {} : { signal: request.signal }),
        },
      );
      if (deps.github === undefined) return { branch, commit: pushed.commit };
      const pr = await deps.github.ensurePullRequest({
        head: branch,
        base: request.baseBranch,
        title: request.title,
        body: redact(request.body),
        labels: ["ferry", "remediation"],
      });
      return { branch, commit: pushed.commit, pullRequest: { number: pr.number, url: pr.url } };
    },
    async withdraw(branch, reason, signal) {
      if (deps.github !== undefined) await deps.github.closePullRequest(branch, redact(reason));
      await deps.remote.remove(branch, signal);
    },
  };
}
