/**
 * `prechecks.remediation`: what happens after the pre-checks, from their results alone.
 * - `auto` (KubeSlice "I want KubeSlice to remediate"): apply the live fixes of actionable
 *   results and proceed, but only if nothing else stands in the way — an incompatible
 *   result, or an actionable one without a live fix (a quota to raise, a mapping to add),
 *   stops the migration in PrecheckFailed and *no* fix is applied, so nothing is written
 *   before the pre-checks pass.
 * - `pull-request`: stop in PrecheckFailed with a remediation proposal (the manifest
 *   changes, file by file, and why) for the GitOps loop to open as a pull request.
 * - `manual` (KubeSlice "I will do it myself"): stop in PrecheckFailed; the next reconcile
 *   of a changed manifest runs the pre-checks again.
 * - `ignore` (KubeSlice "Proceed with replication"): proceed; the results stay in status.
 * With no actionable or incompatible result every mode proceeds.
 */
import type { RemediationMode } from "../../manifests/types.js";
import type { LiveFix, PrecheckResult } from "./types.js";
import { remediationProposal, type RemediationProposal } from "./proposal.js";

export interface PrecheckCounts {
  readonly compatible: number;
  readonly actionable: number;
  readonly incompatible: number;
}

export type PrecheckOutcome =
  | {
      readonly proceed: true;
      readonly mode: RemediationMode;
      /** Fixes to apply on the targets before writing anything (auto only). */
      readonly liveFixes: readonly LiveFix[];
      /** Results that were not compatible and are proceeded past (fixed or ignored). */
      readonly overridden: readonly PrecheckResult[];
      readonly counts: PrecheckCounts;
      readonly message: string;
    }
  | {
      readonly proceed: false;
      readonly mode: RemediationMode;
      readonly phase: "PrecheckFailed";
      /** The results that stop the migration. */
      readonly blocking: readonly PrecheckResult[];
      /** Only in pull-request mode. */
      readonly proposal?: RemediationProposal;
      readonly counts: PrecheckCounts;
      readonly message: string;
    };

/** How many results have each verdict. */
export function countVerdicts(results: readonly PrecheckResult[]): PrecheckCounts {
  const count = (v: PrecheckResult["verdict"]): number => results.filter((r) => r.verdict === v).length;
  return {
    compatible: count("compatible"),
    actionable: count("actionable"),
    incompatible: count("incompatible"),
  };
}

/** Decides whether the migration proceeds, given every target's results and the mode. */
export function decidePrecheckOutcome(
  results: readonly PrecheckResult[],
  mode: RemediationMode = "pull-request",
): PrecheckOutcome {
  const counts = countVerdicts(results);
  const problems = results.filter((r) => r.verdict !== "compatible");
  const summary = `${counts.compatible} compatible, ${counts.actionable} actionable, ${counts.incompatible} incompatible`;
  if (problems.length === 0) {
    return {
      proceed: true,
      mode,
      liveFixes: [],
      overridden: [],
      counts,
      message: `pre-checks passed: ${summary}`,
    };
  }
  const stop = (
    blocking: readonly PrecheckResult[],
    message: string,
    proposal?: RemediationProposal,
  ): PrecheckOutcome => ({
    proceed: false,
    mode,
    phase: "PrecheckFailed",
    blocking,
    ...(proposal === undefined ? {} : { proposal }),
    counts,
    message,
  });
  switch (mode) {
    case "ignore":
      return {
        proceed: true,
        mode,
        liveFixes: [],
        overridden: problems,
        counts,
        message: `pre-check problems ignored: ${summary}`,
      };
    case "manual":
      return stop(
        problems,
        `pre-checks failed (${summary}); change the manifest or the target, then reconcile again`,
      );
    case "pull-request":
      return stop(
        problems,
        `pre-checks failed (${summary}); remediation proposed as a pull request`,
        remediationProposal(problems),
      );
    case "auto": {
      const unfixable = problems.filter(
        (r) => r.verdict === "incompatible" || r.remediation?.liveFix === undefined,
      );
      if (unfixable.length > 0) {
        return stop(
          unfixable,
          `pre-checks failed (${summary}); ${unfixable.length} result(s) cannot be fixed automatically`,
        );
      }
      const liveFixes = problems.flatMap((r) =>
        r.remediation?.liveFix === undefined ? [] : [r.remediation.liveFix],
      );
      return {
        proceed: true,
        mode,
        liveFixes,
        overridden: problems,
        counts,
        message: `applying ${liveFixes.length} fix(es), then proceeding: ${summary}`,
      };
    }
  }
}
