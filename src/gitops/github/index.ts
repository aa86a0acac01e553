/** GitHub side of the GitOps loop: commit statuses and pull requests through octokit. */
export type {
  GitHubPort,
  CommitState,
  CommitStatus,
  PullRequestRequest,
  PullRequestRef,
  PullRequestResult,
  OpenPullRequest,
} from "./port.js";
export { createOctokitGitHub, type OctokitGitHubOptions } from "./octokit-github.js";
export { gitHubFromEnv, GITHUB_TOKEN_ENVS, GITHUB_API_URL_ENVS } from "./config.js";
