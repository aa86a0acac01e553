import { FerryError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { createOctokitGitHub } from "./octokit-github.js";
import type { GitHubPort } from "./port.js";

/** Token variables, first set wins: Ferry's own, then the one GitHub Actions provides. */
export const GITHUB_TOKEN_ENVS = ["FERRY_GITHUB_TOKEN", "GITHUB_TOKEN"] as const;
/** API URL variables (GitHub Enterprise); GitHub Actions sets `GITHUB_API_URL`. */
export const GITHUB_API_URL_ENVS = ["FERRY_GITHUB_API_URL", "GITHUB_API_URL"] as const;

/**
 * The GitHub adapter for `repository` (`owner/name`), configured from the environment at
 * start-up. Without a token GitHub is not configured: returns undefined, and the loop only
 * pushes branches (listed in status).
 */
export function gitHubFromEnv(options: {
  readonly repository: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
}): GitHubPort | undefined {
  if (options.repository === undefined) return undefined;
  const pick = (names: readonly string[]): string | undefined =>
    names.map((n) => options.env[n]).find((v) => v !== undefined && v !== "");
  const token = pick(GITHUB_TOKEN_ENVS);
  if (token === undefined) {
    throw new FerryError(
      "Usage",
      `GitHub repository ${options.repository} given but none of ${GITHUB_TOKEN_ENVS.join(", ")} is set`,
    );
  }
  const baseUrl = pick(GITHUB_API_URL_ENVS);
  return createOctokitGitHub({
    repository: options.repository,
    token,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
