/** The GitHub operations the GitOps loop needs; the octokit adapter implements it, unit tests fake it. */
export interface GitHubPort {
  /** The repository, `owner/name`. */
  readonly repository: string;
  /** A commit status on the reconciled commit (one per `context`, GitHub keeps the latest). */
  setCommitStatus(sha: string, status: CommitStatus): Promise<void>;
  /** Finds the open PR whose head is `head` and brings it up to date, or opens one. */
  ensurePullRequest(request: PullRequestRequest): Promise<PullRequestResult>;
  /** Closes the open PR of `head` (with an explanatory comment), if there is one. */
  closePullRequest(head: string, comment?: string): Promise<PullRequestRef | undefined>;
  /** Open PRs whose head branch starts with `prefix` (e.g. `ferry/remediate/`). */
  listOpenPullRequests(prefix: string): Promise<readonly OpenPullRequest[]>;
}

export type CommitState = "pending" | "success" | "failure" | "error";

export interface CommitStatus {
  readonly state: CommitState;
  /** E.g. `ferry/reconcile`. */
  readonly context: string;
  /** GitHub truncates at 140 characters; the adapter does it first. */
  readonly description: string;
  readonly targetUrl?: string;
}

export interface PullRequestRequest {
  /** The head branch in the same repository, e.g. `ferry/remediate/migration-shop-db`. */
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly labels?: readonly string[];
}

export interface PullRequestRef {
  readonly number: number;
  readonly url: string;
}

export interface PullRequestResult extends PullRequestRef {
  readonly outcome: "created" | "updated" | "unchanged";
}

export interface OpenPullRequest extends PullRequestRef {
  readonly head: string;
  readonly base: string;
  readonly title: string;
}
