import * as fs from "node:fs";
import type { Clock } from "../../core/clock.js";
import { FerryError } from "../../core/errors.js";
import { loadDesiredState } from "../../manifests/load.js";
import { gitTree } from "../../manifests/tree-git.js";
import type { CommitAuthor } from "../git/commit.js";
import type { GitRemote } from "../git/remote.js";
import { pushProposalBranch } from "../git/remediation-branch.js";
import type { GitHubPort, PullRequestResult } from "../github/port.js";
import { swapVolumeReplicationRoles } from "./swap-roles.js";

export type RoleSwapDirection = "failover" | "failback";

export interface RoleSwapRequest {
  readonly direction: RoleSwapDirection;
  /** The VolumeReplication's name (and namespace when the name is not unique). */
  readonly name: string;
  readonly namespace?: string;
  /** The desired-state branch the swap is proposed against, e.g. `main`. */
  readonly baseBranch: string;
  /** False: compute and return the change only (a dry run). */
  readonly push: boolean;
  readonly author?: CommitAuthor;
}

export interface RoleSwapResult {
  readonly file: string;
  readonly base: string;
  /** `ferry/failover/<name>` or `ferry/failback/<name>`. */
  readonly branch: string;
  readonly before: string;
  readonly after: string;
  readonly source: { readonly cluster: string; readonly volumeGroup: string };
  readonly target: { readonly cluster: string; readonly volumeGroup: string };
  readonly pushed?: { readonly commit: string; readonly outcome: "created" | "updated" | "unchanged" };
  readonly pullRequest?: PullRequestResult;
}

/** The branch a role swap is proposed on. */
export function roleSwapBranch(direction: RoleSwapDirection, name: string): string {
  return `ferry/${direction}/${name}`;
}

/**
 * Prepares `ferry failover|failback NAME`: finds the VolumeReplication's file through the
 * manifest loader at the tip of `baseBranch`, swaps its roles in place, and (with `push`)
 * pushes the change on `ferry/<direction>/<name>` and opens or updates a PR when GitHub is
 * configured. What happens after the merge is the volume engine's business.
 */
export async function prepareRoleSwap(
  deps: { readonly remote: GitRemote; readonly clock: Clock; readonly github?: GitHubPort },
  request: RoleSwapRequest,
): Promise<RoleSwapResult> {
  const { remote } = deps;
  const base = await remote.fetch(request.baseBranch);
  if (base === undefined) {
    throw new FerryError("NotFound", `branch ${request.baseBranch} does not exist in ${remote.display}`);
  }
  const tree = gitTree({ fs, gitdir: remote.gitdir, ref: base });
  const loaded = await loadDesiredState(tree, { semanticChecks: false });
  const candidates = loaded.state
    .list("VolumeReplication")
    .filter((o) => o.manifest.metadata.name === request.name)
    .filter((o) => request.namespace === undefined || o.manifest.metadata.namespace === request.namespace);
  if (candidates.length === 0) {
    const hint = loaded.valid
      ? ""
      : ` (the desired state has ${loaded.problems.length} problem(s): run ferry validate)`;
    throw new FerryError(
      "NotFound",
      `no VolumeReplication ${request.name} at ${request.baseBranch} in ${remote.display}${hint}`,
      {
        data: { name: request.name },
      },
    );
  }
  if (candidates.length > 1) {
    const namespaces = candidates.map((c) => c.manifest.metadata.namespace).join(", ");
    throw new FerryError(
      "Usage",
      `VolumeReplication ${request.name} exists in several namespaces (${namespaces}): give --namespace`,
    );
  }
  const object = candidates[0];
  if (object === undefined) throw new FerryError("Internal", "unreachable");
  const file = object.location.file;
  const before = new TextDecoder().decode(await tree.read(file));
  const namespace = object.manifest.metadata.namespace;
  const swapped = swapVolumeReplicationRoles({ text: before, file, name: request.name, namespace });
  if (!swapped.ok) {
    throw new FerryError("Invalid", `${swapped.error.file}:${swapped.error.line}: ${swapped.error.message}`, {
      data: { ...swapped.error },
    });
  }
  const { source, target } = swapped.value;
  const branch = roleSwapBranch(request.direction, request.name);
  const result: RoleSwapResult = { file, base, branch, before, after: swapped.value.text, source, target };
  if (!request.push) return result;

  const verb = request.direction === "failover" ? "Fail over" : "Fail back";
  const title = `${verb} ${namespace}/${request.name}: ${source.cluster} becomes the source`;
  const pushed = await pushProposalBranch(
    { remote, clock: deps.clock },
    {
      base,
      branch,
      changes: [{ path: file, content: swapped.value.text }],
      message: `${title}\n\nSwap the roles of VolumeReplication ${namespace}/${request.name} in ${file}:\nsource ${target.cluster}/${target.volumeGroup} -> ${source.cluster}/${source.volumeGroup}\n`,
      ...(request.author === undefined ? {} : { author: request.author }),
    },
  );
  if (deps.github === undefined) return { ...result, pushed };
  const pullRequest = await deps.github.ensurePullRequest({
    head: branch,
    base: request.baseBranch,
    title,
    body: [
      `Prepared by \`ferry ${request.direction} ${request.name}\`.`,
      "",
      `Swaps the roles of VolumeReplication \`${namespace}/${request.name}\` in \`${file}\`:`,
      "",
      "| | before | after |",
      "|---|---|---|",
      `| source | ${target.cluster} / ${target.volumeGroup} | ${source.cluster} / ${source.volumeGroup} |`,
      `| target | ${source.cluster} / ${source.volumeGroup} | ${target.cluster} / ${target.volumeGroup} |`,
      "",
      "The PVC map is inverted to match. Merging starts the role change on the next reconcile.",
    ].join("\n"),
    labels: ["ferry", request.direction],
  });
  return { ...result, pushed, pullRequest };
}
