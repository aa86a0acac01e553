import { Octokit } from "octokit";
import { FerryError, redact } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { silentLogger } from "../../core/logger.js";
import { wrapGitHubError } from "./github-error.js";
import type { GitHubPort, OpenPullRequest, PullRequestRef } from "./port.js";

export interface OctokitGitHubOptions {
  /** `owner/name`. */
  readonly repository: string;
  readonly token: string;
  /** `https://api.github.com` by default; `https://HOST/api/v3` for GitHub Enterprise; a stub in tests. */
  readonly baseUrl?: string;
  readonly logger?: Logger;
  /** Retries of failed requests (5xx, network) by @octokit/plugin-retry; default 3. */
  readonly retries?: number;
  /** Base of the retry backoff in ms (plugin-retry waits base × retryCount²); default 1000. */
  readonly retryAfterBaseValue?: number;
  /**
   * @octokit/plugin-throttling paces writes one per second as GitHub asks of integrations;
   * default on. Only a loopback stub without rate limits has a reason to turn it off.
   */
  readonly throttle?: boolean;
}

/** The GitHubPort over octokit (REST endpoint methods, retry and throttling plugins composed). */
export function createOctokitGitHub(options: OctokitGitHubOptions): GitHubPort {
  const [owner, repo, ...rest] = options.repository.split("/");
  if (owner === undefined || repo === undefined || owner === "" || repo === "" || rest.length > 0) {
    throw new FerryError(
      "Usage",
      `GitHub repository must be owner/name, got ${JSON.stringify(options.repository)}`,
    );
  }
  const logger = options.logger ?? silentLogger;
  const log = (level: "debug" | "info" | "warn" | "error") => (message: string) =>
    logger[level]({ component: "github" }, redact(message));
  const onLimit = (
    retryAfter: number,
    request: { method: string; url: string },
    _o: unknown,
    retryCount: number,
  ) => {
    logger.warn(
      { component: "github", retryAfter, method: request.method, url: request.url },
      "GitHub rate limit",
    );
    return retryCount < 2;
  };
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.baseUrl ?? "https://api.github.com",
    userAgent: "ferry",
    log: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryAfterBaseValue ?? 1000 },
    throttle: { enabled: options.throttle ?? true, onRateLimit: onLimit, onSecondaryRateLimit: onLimit },
  });
  const call = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw wrapGitHubError(e, action);
    }
  };
  const findOpen = async (head: string) =>
    call(`list pull requests for ${head}`, async () => {
      const { data } = await octokit.rest.pulls.list({
        owner,
        repo,
        state: "open",
        head: `${owner}:${head}`,
      });
      // The head filter is exact on GitHub; checking again keeps a lenient server honest.
      return data.find((pr) => pr.head.ref === head);
    });
  const ref = (pr: { number: number; html_url: string }): PullRequestRef => ({
    number: pr.number,
    url: pr.html_url,
  });

  return {
    repository: `${owner}/${repo}`,

    async setCommitStatus(sha, status) {
      await call(`set commit status on ${sha.slice(0, 12)}`, () =>
        octokit.rest.repos.createCommitStatus({
          owner,
          repo,
          sha,
          state: status.state,
          context: status.context,
          description: truncate(redact(status.description), 140),
          ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
        }),
      );
    },

    async ensurePullRequest(request) {
      const body = redact(request.body);
      const existing = await findOpen(request.head);
      let result: PullRequestRef & { outcome: "created" | "updated" | "unchanged" };
      let labelled: readonly string[] = [];
      if (existing === undefined) {
        const { data } = await call(`open a pull request for ${request.head}`, () =>
          octokit.rest.pulls.create({
            owner,
            repo,
            head: request.head,
            base: request.base,
            title: request.title,
            body,
          }),
        );
        result = { ...ref(data), outcome: "created" };
      } else {
        labelled = existing.labels.map((l) => l.name);
        const same =
          existing.title === request.title &&
          (existing.body ?? "") === body &&
          existing.base.ref === request.base;
        if (!same) {
          await call(`update pull request #${existing.number}`, () =>
            octokit.rest.pulls.update({
              owner,
              repo,
              pull_number: existing.number,
              title: request.title,
              body,
              base: request.base,
            }),
          );
        }
        result = { ...ref(existing), outcome: same ? "unchanged" : "updated" };
      }
      const missing = (request.labels ?? []).filter((l) => !labelled.includes(l));
      if (missing.length > 0) {
        await call(`label pull request #${result.number}`, () =>
          octokit.rest.issues.addLabels({ owner, repo, issue_number: result.number, labels: missing }),
        );
      }
      return result;
    },

    async closePullRequest(head, comment) {
      const existing = await findOpen(head);
      if (existing === undefined) return undefined;
      if (comment !== undefined) {
        await call(`comment on pull request #${existing.number}`, () =>
          octokit.rest.issues.createComment({
            owner,
            repo,
            issue_number: existing.number,
            body: redact(comment),
          }),
        );
      }
      await call(`close pull request #${existing.number}`, () =>
        octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, state: "closed" }),
      );
      return ref(existing);
    },

    async listOpenPullRequests(prefix) {
      const all = await call("list open pull requests", () =>
        octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: "open", per_page: 100 }),
      );
      return all
        .filter((pr) => pr.head.ref.startsWith(prefix))
        .map((pr): OpenPullRequest => ({
          ...ref(pr),
          head: pr.head.ref,
          base: pr.base.ref,
          title: pr.title,
        }));
    },
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
