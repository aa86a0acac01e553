import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { errorMessage, isFerryError } from "../../core/errors.js";
import { prepareRoleSwap } from "../../gitops/failover/prepare-role-swap.js";
import type { RoleSwapDirection, RoleSwapResult } from "../../gitops/failover/prepare-role-swap.js";
import { DEFAULT_AUTHOR } from "../../gitops/git/commit.js";
import { openGitRemote } from "../../gitops/git/open-remote.js";
import { gitHubFromEnv } from "../../gitops/github/config.js";
import type { RegisterCommand } from "../main.js";

interface RoleSwapOptions {
  repo: string;
  branch: string;
  namespace?: string;
  githubRepo?: string;
  push?: boolean;
  tokenEnv: string;
  authorName: string;
  authorEmail: string;
}

/**
 * `ferry failover NAME` and `ferry failback NAME`: prepare the branch (and the PR, when GitHub
 * is configured) that swaps the roles of a VolumeReplication. Without `--push` they print the
 * change only. Exit 0 done, 1 not found or failed, 2 usage.
 */
export const registerFailover: RegisterCommand = (program, setExit) => {
  for (const direction of ["failover", "failback"] as const) define(program, direction, setExit);
};

function define(program: Command, direction: RoleSwapDirection, setExit: (code: number) => void): void {
  program
    .command(direction)
    .description(
      direction === "failover"
        ? "prepare a branch/PR making a VolumeReplication's target the source (swap roles)"
        : "prepare a branch/PR giving a failed-over VolumeReplication back its original roles",
    )
    .argument("<name>", "the VolumeReplication")
    .option("-n, --namespace <ns>", "its namespace, when the name is not unique")
    .option("--repo <dir|url>", "the desired-state repo: a path, file:// or http(s) URL", ".")
    .option("--branch <branch>", "the desired-state branch to propose against", "main")
    .option(
      "--github-repo <owner/name>",
      "open a PR on this GitHub repo (token in FERRY_GITHUB_TOKEN or GITHUB_TOKEN)",
    )
    .option("--push", "push the branch (and open the PR); without it, print the change only")
    .option(
      "--token-env <var>",
      "environment variable with the Git token for an http(s) repo",
      "FERRY_GIT_TOKEN",
    )
    .option("--author-name <name>", "commit author name", DEFAULT_AUTHOR.name)
    .option("--author-email <email>", "commit author email", DEFAULT_AUTHOR.email)
    .action(async (name: string, opts: RoleSwapOptions) => {
      const cacheDir = await mkdtemp(join(tmpdir(), "ferry-failover-"));
      try {
        const http = /^https?:\/\//i.test(opts.repo);
        const remote = await openGitRemote({
          repo: opts.repo,
          cacheDir,
          ...(http && process.env[opts.tokenEnv] !== undefined ? { tokenEnv: opts.tokenEnv } : {}),
        });
        const github = gitHubFromEnv({ repository: opts.githubRepo, env: process.env });
        const result = await prepareRoleSwap(
          { remote, clock: systemClock, ...(github === undefined ? {} : { github }) },
          {
            direction,
            name,
            ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
            baseBranch: opts.branch,
            push: opts.push === true,
            author: { name: opts.authorName, email: opts.authorEmail },
          },
        );
        process.stdout.write(describe(direction, name, result));
      } catch (e) {
        process.stderr.write(`ferry ${direction}: ${errorMessage(e)}\n`);
        setExit(isFerryError(e, "Usage") ? 2 : 1);
      } finally {
        await rm(cacheDir, { recursive: true, force: true });
      }
    });
}

function describe(direction: RoleSwapDirection, name: string, result: RoleSwapResult): string {
  const lines = [
    `${direction} ${name}: ${result.source.cluster}/${result.source.volumeGroup} becomes the source, ` +
      `${result.target.cluster}/${result.target.volumeGroup} the target`,
    `file ${result.file} at ${result.base.slice(0, 12)}:`,
  ];
  const before = result.before.split("\n");
  const after = result.after.split("\n");
  // Role swaps replace scalars only, so the files line up line by line.
  after.forEach((line, i) => {
    if (line !== before[i]) lines.push(`  ${i + 1}: - ${before[i] ?? ""}`, `  ${i + 1}: + ${line}`);
  });
  if (result.pushed === undefined) {
    lines.push(`branch ${result.branch} not pushed (dry run): add --push`);
  } else {
    lines.push(`branch ${result.branch} ${result.pushed.outcome} at ${result.pushed.commit.slice(0, 12)}`);
  }
  if (result.pullRequest !== undefined) {
    lines.push(
      `pull request #${result.pullRequest.number} ${result.pullRequest.outcome}: ${result.pullRequest.url}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
