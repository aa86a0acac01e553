/**
 * The executor's VolumeReplication actions. Every reconcile hands each replication to the
 * volume driver with the status its last report holds; the driver decides whether a cycle is
 * due (RPO), whether a merged role swap must be carried out, or nothing. The returned status
 * is the new report; every status the next reconcile would resume from differently is also
 * persisted at once through the checkpoint queue (see checkpoints.ts). A failover proposal
 * from the driver becomes a remediation branch (and PR) with the roles swapped in the
 * manifest, withdrawn once it is no longer proposed. A removed
 * replication is stopped with `deleteReplication` (target snapshots kept unless
 * `retainSnapshotsOnDeletion: false`) and its report removed.
 */
import type { ClusterClient } from "../../cluster/port.js";
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { TreeSource } from "../../manifests/types.js";
import type { DriverOptions } from "../../volumes/context.js";
import { deleteReplication } from "../../volumes/delete.js";
import { failoverPullRequest } from "../../volumes/failover-proposal.js";
import { durableChange } from "../../volumes/durable.js";
import { replicateGroup } from "../../volumes/replicate-group.js";
import type { MoverRepositoryAccess } from "../../volumes/repository-location.js";
import type { VolumeReplicationStatus } from "../../volumes/types.js";
import { renderReport, type RemediationRecord, type Report } from "../reconcile/report.js";
import type { ReconcileAction } from "../reconcile/types.js";
import type { CheckpointQueue } from "./checkpoints.js";
import type { RemediationPort } from "./remediation.js";

/** What the executor needs to run the volume driver (built per desired state by the controller). */
export interface ExecutorVolumes {
  /** Where mover Jobs reach the ReplicationRepository of this name (secrets from the controller's env). */
  accessFor(repository: string): MoverRepositoryAccess;
  readonly options?: DriverOptions;
}

export interface VolumeActionDeps {
  readonly clusters: ReadonlyMap<string, ClusterClient>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tree: TreeSource;
  readonly branch: string;
  readonly remediation?: RemediationPort;
  readonly volumes?: ExecutorVolumes;
  readonly signal?: AbortSignal;
  /** Where durable status changes are persisted while the driver runs. */
  readonly checkpoints?: CheckpointQueue;
}

export interface VolumeActionOutcome {
  readonly phase: string;
  readonly remediation?: RemediationRecord;
}

/** One reconcile of one VolumeReplication; sets its report in `files`. */
export async function replicateVolumes(
  action: Extract<ReconcileAction, { type: "replicate-volumes" }>,
  commit: string,
  before: Report | undefined,
  files: Map<string, string | null>,
  deps: VolumeActionDeps,
): Promise<VolumeActionOutcome> {
  const { metadata, spec } = action.object.manifest;
  if (deps.volumes === undefined) {
    throw new Error("volume replication is not configured in this controller");
  }
  const previous = before?.kind === "VolumeReplication" ? before.remediation : undefined;
  // The status last persisted: the record read at the start, then each checkpoint.
  let persisted = action.status;
  const returned = await replicateGroup({
    replication: action.object.manifest,
    groups: action.groups,
    clusters: deps.clusters,
    repository: deps.volumes.accessFor(spec.repository ?? "default"),
    policies: action.policies,
    clock: deps.clock,
    ...(action.status === undefined ? {} : { status: action.status }),
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
    ...(deps.volumes.options === undefined ? {} : { options: deps.volumes.options }),
    onEvent: (e) => {
      if (e.type === "State")
        deps.logger.info({ replication: metadata.name, cycle: e.cycle, state: e.state }, "volume cycle");
      // Lag ticks and progress are not persisted mid-reconcile; state transitions are.
      if (e.type === "Status" && deps.checkpoints !== undefined && durableChange(persisted, e.status)) {
        persisted = e.status;
        deps.checkpoints.set(action.path, volumeReport(action, commit, e.status, previous));
      }
    },
  });
  // Only the lag changed (it grows every second): keep the last report, so an idle
  // replication does not make a status commit on every poll.
  const status = persisted !== undefined && sameButLag(persisted, returned) ? persisted : returned;
  const remediation = await failoverRemediation({
    status,
    previous,
    hadProposal: action.status?.failoverProposal !== undefined,
    object: action.object,
    commit,
    deps,
  });
  files.set(action.path, volumeReport(action, commit, status, remediation));
  return { phase: status.phase, ...(remediation === undefined ? {} : { remediation }) };
}

function volumeReport(
  action: Extract<ReconcileAction, { type: "replicate-volumes" }>,
  commit: string,
  status: VolumeReplicationStatus,
  remediation: RemediationRecord | undefined,
): string {
  const { manifest, location } = action.object;
  return renderReport({
    kind: "VolumeReplication",
    name: manifest.metadata.name,
    namespace: manifest.metadata.namespace,
    source: { file: location.file, commit },
    specHash: action.specHash,
    spec: manifest.spec,
    status,
    ...(remediation === undefined ? {} : { remediation }),
  });
}

/** Equal but for `lagSeconds` and the lag quoted in the WithinRPO message (its verdict counts). */
export function sameButLag(a: VolumeReplicationStatus, b: VolumeReplicationStatus): boolean {
  const strip = (s: VolumeReplicationStatus): unknown => ({
    ...s,
    lagSeconds: undefined,
    conditions: s.conditions.map((c) => (c.type === "WithinRPO" ? { ...c, message: undefined } : c)),
  });
  return stableJson(strip(a)) === stableJson(strip(b));
}

/** JSON with sorted keys and without undefined values (a YAML round trip reorders keys). */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Proposes the failover once (kept while the driver still proposes it), withdraws it after. */
export async function failoverRemediation(input: {
  status: VolumeReplicationStatus;
  previous: RemediationRecord | undefined;
  hadProposal: boolean;
  object: Extract<ReconcileAction, { type: "replicate-volumes" }>["object"];
  commit: string;
  deps: VolumeActionDeps;
}): Promise<RemediationRecord | undefined> {
  const { status, previous, deps } = input;
  const { manifest, location } = input.object;
  const { name, namespace } = manifest.metadata;
  if (status.failoverProposal === undefined) {
    if (previous !== undefined)
      await deps.remediation?.withdraw(
        previous.branch,
        `VolumeReplication ${namespace}/${name}: a failover is no longer proposed (the source answers again, or the roles were swapped).`,
        deps.signal,
      );
    return undefined;
  }
  if (deps.remediation === undefined) return previous;
  if (previous !== undefined && input.hadProposal) return previous;
  const text = new TextDecoder().decode(await deps.tree.read(location.file));
  const pr = failoverPullRequest({ status, name, namespace, file: location.file, text });
  if (!pr.ok) {
    deps.logger.warn({ replication: name, problem: pr.problem }, "cannot propose the failover");
    return previous;
  }
  if (pr.proposal === undefined) return previous;
  return deps.remediation.propose({
    subject: { kind: "VolumeReplication", name, namespace },
    base: input.commit,
    baseBranch: deps.branch,
    changes: [{ path: location.file, content: pr.proposal.text }],
    title: pr.proposal.title,
    body: pr.proposal.body,
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  });
}

/** Stops a removed VolumeReplication; its report goes unless the cleanup was incomplete (retried). */
export async function deleteVolumeReplication(
  action: Extract<ReconcileAction, { type: "delete-replication" }>,
  files: Map<string, string | null>,
  deps: VolumeActionDeps,
): Promise<VolumeActionOutcome> {
  const status = await deleteReplication({
    replication: action.replication,
    status: action.status,
    clusters: deps.clusters,
    clock: deps.clock,
  });
  if (action.remediationBranch !== undefined)
    await deps.remediation?.withdraw(
      action.remediationBranch,
      "The VolumeReplication this failover proposal was for was removed; Ferry closed this proposal.",
      deps.signal,
    );
  const incomplete = status.conditions.some((c) => c.type === "Deleted" && c.status === "False");
  const { name, namespace } = action.replication.metadata;
  files.set(
    action.path,
    incomplete
      ? renderReport({ kind: "VolumeReplication", name, namespace, spec: action.replication.spec, status })
      : null,
  );
  return { phase: status.phase };
}
