/** Git plumbing of the GitOps loop: remotes, the desired-state source, status commits, proposal branches. */
export type { GitRemote, RefUpdate } from "./remote.js";
export { openGitRemote, type OpenRemoteOptions } from "./open-remote.js";
export { createHttpRemote, type HttpRemoteOptions } from "./http-remote.js";
export { createLocalRemote } from "./local-remote.js";
export { credentialsFromEnv, redactUrl, type GitCredentials } from "./auth.js";
export { createGitSource, type GitSource, type GitSourceOptions, type PollResult } from "./source.js";
export {
  writeStatusCommit,
  gitStatusSink,
  DEFAULT_STATUS_BRANCH,
  type StatusSink,
  type StatusCommitRequest,
  type StatusCommitResult,
  type StatusWriterDeps,
} from "./status-writer.js";
export {
  statusReportPath,
  statusCommitMessage,
  reportPhase,
  STATUS_FOLDER,
  type ReportSubject,
  type ChangedReport,
} from "./status-layout.js";
export {
  pushProposalBranch,
  remediationBranch,
  type FileChange,
  type ProposalBranchRequest,
  type ProposalBranchResult,
} from "./remediation-branch.js";
export { DEFAULT_AUTHOR, type CommitAuthor } from "./commit.js";
export { editTree, type FileChanges, type TreeEditResult } from "./tree-edit.js";
