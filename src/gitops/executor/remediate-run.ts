/**
 * What a finished run means for its remediation proposal: a run stopped by pre-checks in
 * `pull-request` mode proposes (or updates) the manifest change on the object's branch and PR;
 * a completed run withdraws a proposal that is no longer needed; otherwise the previous
 * proposal stays on record.
 */
import type { MigrationRunResult } from "../../engine/run/run-migration.js";
import type { LoadedObject, TreeSource } from "../../manifests/types.js";
import type { FileChange } from "../git/remediation-branch.js";
import type { RemediationRecord } from "../reconcile/report.js";
import { applyManifestChanges } from "./apply-changes.js";
import type { RemediationPort } from "./remediation.js";

export interface RemediateInput {
  readonly object: LoadedObject;
  readonly result: MigrationRunResult;
  /** The proposal on record before this run. */
  readonly before: RemediationRecord | undefined;
  /** The desired-state commit the run was started from. */
  readonly commit: string;
  readonly branch: string;
  readonly tree: TreeSource;
  readonly remediation: RemediationPort | undefined;
  /** For people: `Migration shop-to-west`, `MigrationSchedule shop-dr (run …)`. */
  readonly what: string;
  readonly signal?: AbortSignal;
}

export interface RemediateOutcome {
  /** The proposal to keep on record, if any. */
  readonly record?: RemediationRecord;
  /** Opened or updated by this run. */
  readonly proposed: boolean;
  /** What no manifest change can fix. */
  readonly manualSteps: readonly string[];
}

export async function remediateRun(input: RemediateInput): Promise<RemediateOutcome> {
  const { result, before, remediation } = input;
  const phase = result.status.phase;
  if (result.proposal !== undefined) {
    const proposal = result.proposal;
    const changes = await proposedFiles(input.object, proposal.changes, input.tree);
    if (changes.length === 0 || remediation === undefined) {
      return {
        ...(before === undefined ? {} : { record: before }),
        proposed: false,
        manualSteps: proposal.manualSteps,
      };
    }
    const { manifest, location } = input.object;
    const record = await remediation.propose({
      subject: {
        kind: manifest.kind,
        name: manifest.metadata.name,
        ...(manifest.metadata.namespace === undefined ? {} : { namespace: manifest.metadata.namespace }),
      },
      base: input.commit,
      baseBranch: input.branch,
      changes,
      title: `${proposal.title}: ${manifest.metadata.name}`,
      body: `${proposal.body}\n${input.what} (\`${location.file}\`) stopped in phase ${phase} at commit ${input.commit.slice(0, 12)}; merge this to let it continue.\n`,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    return { record, proposed: true, manualSteps: proposal.manualSteps };
  }
  if (before !== undefined && phase === "Completed") {
    await remediation?.withdraw(
      before.branch,
      `${input.what} completed at ${input.commit.slice(0, 12)}; this remediation is no longer needed.`,
      input.signal,
    );
    return { proposed: false, manualSteps: [] };
  }
  return { ...(before === undefined ? {} : { record: before }), proposed: false, manualSteps: [] };
}

/** The proposal's changes applied to the files they name (the object's own file when unnamed). */
async function proposedFiles(
  object: LoadedObject,
  changes: readonly {
    file?: string;
    path: readonly (string | number)[];
    op: "set" | "append";
    value: unknown;
  }[],
  tree: TreeSource,
): Promise<FileChange[]> {
  const byFile = new Map<string, (typeof changes)[number][]>();
  for (const change of changes) {
    const file = change.file ?? object.location.file;
    byFile.set(file, [...(byFile.get(file) ?? []), change]);
  }
  const out: FileChange[] = [];
  for (const [file, list] of byFile) {
    const text = new TextDecoder().decode(await tree.read(file));
    // Changes name the object's own document; another file is edited at its first document.
    const index = file === object.location.file ? object.documentIndex : 0;
    out.push({ path: file, content: applyManifestChanges(text, index, list) });
  }
  return out;
}
