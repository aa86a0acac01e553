/**
 * The pull request a long-unreachable source leads to: the VolumeReplication manifest with
 * source and target swapped (H8's `swapVolumeReplicationRoles`, which keeps every other byte
 * of the file), and a title and body saying why. A person decides by merging it; the driver
 * never swaps roles on its own.
 */
import { swapVolumeReplicationRoles } from "../gitops/failover/swap-roles.js";
import type { VolumeReplicationStatus } from "./types.js";

export interface FailoverPullRequest {
  readonly title: string;
  readonly body: string;
  /** The manifest file's new text. */
  readonly text: string;
}

export type FailoverProposalOutcome =
  | { readonly ok: true; readonly proposal: FailoverPullRequest | undefined }
  | { readonly ok: false; readonly problem: string };

/** The failover pull request for `status.failoverProposal`, or undefined when none is warranted. */
export function failoverPullRequest(input: {
  readonly status: VolumeReplicationStatus;
  readonly name: string;
  readonly namespace: string;
  readonly file: string;
  readonly text: string;
}): FailoverProposalOutcome {
  const proposal = input.status.failoverProposal;
  if (proposal === undefined) return { ok: true, proposal: undefined };
  const swapped = swapVolumeReplicationRoles({
    text: input.text,
    file: input.file,
    name: input.name,
    namespace: input.namespace,
  });
  if (!swapped.ok)
    return { ok: false, problem: `${swapped.error.file}:${swapped.error.line}: ${swapped.error.message}` };
  const last = input.status.lastConsistent;
  return {
    ok: true,
    proposal: {
      title: `Fail over ${input.namespace}/${input.name} to ${proposal.source}`,
      body: [
        `Ferry proposes a failover: ${proposal.reason}.`,
        "",
        `Merging makes **${proposal.source}** the source and **${proposal.target}** the target.`,
        last === undefined
          ? "No consistent copy has been replicated yet: the new source's claims hold whatever they hold."
          : `The last consistent copy on ${proposal.source} is from ${last.time} (cycle ${last.cycle}); writes after it are lost unless ${proposal.target} comes back before the merge.`,
        "",
        "Ferry never fails over on its own: review and merge to fail over, or close to keep waiting.",
      ].join("\n"),
      text: swapped.value.text,
    },
  };
}
