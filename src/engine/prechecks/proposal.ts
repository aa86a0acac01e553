/**
 * A remediation proposal for `prechecks.remediation: pull-request`: the manifest changes that
 * resolve the actionable results (file, YAML path, value and why), the steps a person must
 * take elsewhere, and a Markdown body for the pull request. The GitOps loop edits the files
 * (keeping comments) and opens the PR; this only says what and why.
 */
import type { FieldPath } from "../../manifests/types.js";
import type { ManifestChange, PrecheckResult } from "./types.js";

export interface ProposedChange extends ManifestChange {
  /** Why, for the pull request: the pre-check's reason. */
  readonly reason: string;
  readonly target: string;
}

export interface RemediationProposal {
  readonly title: string;
  /** Changes to the desired-state repo, in result order, duplicates (same file, path, op, value) merged. */
  readonly changes: readonly ProposedChange[];
  /** What no manifest change can fix (incompatible results, quotas, unreachable clusters). */
  readonly manualSteps: readonly string[];
  /** Markdown for the pull request body. */
  readonly body: string;
}

/** Dotted form of a YAML path for people: `spec.storageClassMapping.fast-ssd`, `spec.targets[1]`. */
export function formatFieldPath(path: FieldPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** The proposal for a set of non-compatible results (compatible ones are ignored by callers). */
export function remediationProposal(results: readonly PrecheckResult[]): RemediationProposal {
  const changes: ProposedChange[] = [];
  const manualSteps: string[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    const change = r.remediation?.manifestChange;
    if (change !== undefined && r.verdict === "actionable") {
      const key = JSON.stringify([change.file, change.path, change.op, change.value]);
      if (!seen.has(key)) {
        seen.add(key);
        changes.push({ ...change, reason: r.reason, target: r.target });
      }
    } else {
      const what = r.remediation?.description ?? "no automatic remediation";
      manualSteps.push(
        `${r.target}: ${r.subject === undefined ? "" : `${r.subject}: `}${r.reason} — ${what}`,
      );
    }
  }
  const title =
    changes.length > 0
      ? `ferry: remediate pre-checks (${changes.length} manifest change(s))`
      : "ferry: pre-checks need attention";
  const lines = ["Ferry's pre-checks found problems that block the migration.", ""];
  if (changes.length > 0) {
    lines.push("### Manifest changes", "");
    for (const c of changes) {
      const where = `${c.file === undefined ? "" : `\`${c.file}\` `}\`${formatFieldPath(c.path)}\``;
      lines.push(
        `- ${where} ${c.op === "append" ? "append" : "set to"} \`${JSON.stringify(c.value)}\` — ${c.target}: ${c.reason}`,
      );
    }
    lines.push("");
  }
  if (manualSteps.length > 0) {
    lines.push("### Needs a person", "", ...manualSteps.map((s) => `- ${s}`), "");
  }
  return { title, changes, manualSteps, body: lines.join("\n") };
}
