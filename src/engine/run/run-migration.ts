/**
 * The migration runner: one Migration (or one run of a MigrationSchedule) from start to
 * finish — export from the source, pre-checks on every target, the backup stored in the
 * replication repository, then restores to every target concurrently. Emits the events the
 * status reducer folds, and returns the final status with the remediation outcome. Pure of
 * CLI concerns: the CLI and the GitOps controller both call this with their adapters.
 */
import type { ClusterClient } from "../../cluster/port.js";
import type { Clock } from "../../core/clock.js";
import { errorMessage, isFerryError } from "../../core/errors.js";
import type { ProgressSink } from "../../core/progress.js";
import type { MigrationSpec } from "../../manifests/types.js";
import type { Repository } from "../../repository/repository.js";
import type { KubeObject } from "../kube-object.js";
import type { PrecheckOutcome } from "../prechecks/outcome.js";
import type { RemediationProposal } from "../prechecks/proposal.js";
import type { ManifestLocation } from "../prechecks/types.js";
import type { MigrationEvent } from "../status/events.js";
import { reduceMigrationStatus } from "../status/migration-status.js";
import { mapNamespace } from "../transforms/namespace-mapping.js";
import { backupName, uniqueBackupName } from "./backup-name.js";
import { exportResources, type ExportResult } from "./export.js";
import { runPrechecks } from "./run-prechecks.js";
import { restoreToTarget } from "./restore.js";
import { withRunConditions, type MigrationRunStatus, type RunCondition } from "./run-status.js";
import type { VolumeDataMover, VolumeSnapshotRef } from "./volume-mover.js";

export interface MigrationInput {
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: MigrationSpec;
}

export interface RunMigrationOptions {
  readonly migration: MigrationInput;
  /** A client per Cluster name; a missing target is reported unreachable, a missing source fails the run. */
  readonly clusters: ReadonlyMap<string, ClusterClient>;
  /** The opened replication repository named by `spec.repository`. */
  readonly repository: Repository;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: MigrationEvent) => void;
  readonly onProgress?: ProgressSink;
  /** Moves volume data when `includeVolumes`; without one, status says data was not moved. */
  readonly volumeMover?: VolumeDataMover;
  /**
   * The name provenance records on target objects: the Migration's (default) or, for a
   * schedule's runs, the MigrationSchedule's, which stays the same across runs.
   */
  readonly owner?: string;
  /** Where the spec is in the desired-state repo, so remediation proposals name file and path. */
  readonly location?: ManifestLocation;
  /** Parallel list requests on the source (default 8) and writes per target (default 16). */
  readonly concurrency?: { readonly list?: number; readonly write?: number };
}

export interface MigrationRunResult {
  readonly status: MigrationRunStatus;
  /** Every event of the run, in order (the status is `reduceMigrationStatus` of these). */
  readonly events: readonly MigrationEvent[];
  readonly precheck?: PrecheckOutcome;
  /** In `pull-request` mode when pre-checks failed: what the GitOps loop opens as a PR. */
  readonly proposal?: RemediationProposal;
  /** What `auto` remediation changed on the targets. */
  readonly fixesApplied: readonly string[];
  readonly backup?: { readonly name: string; readonly id: string };
}

/** Runs one migration now. Never throws for cluster or repository failures: they are in status. */
export async function runMigration(options: RunMigrationOptions): Promise<MigrationRunResult> {
  const { migration, clock, clusters } = options;
  const spec = migration.spec;
  const events: MigrationEvent[] = [];
  const emit = (event: MigrationEvent): void => {
    events.push(event);
    options.onEvent?.(event);
  };
  const at = (): string => clock.now().toISOString();
  const startedAt = clock.now();
  const owner = options.owner ?? migration.metadata.name;
  const extra: RunCondition[] = [];
  const finish = (
    rest: Omit<MigrationRunResult, "status" | "events" | "fixesApplied"> & {
      fixesApplied?: readonly string[];
    } = {},
  ): MigrationRunResult => ({
    status: withRunConditions(reduceMigrationStatus(events), extra),
    events,
    fixesApplied: rest.fixesApplied ?? [],
    ...(rest.precheck === undefined ? {} : { precheck: rest.precheck }),
    ...(rest.proposal === undefined ? {} : { proposal: rest.proposal }),
    ...(rest.backup === undefined ? {} : { backup: rest.backup }),
  });
  emit({
    type: "MigrationStarted",
    at: startedAt.toISOString(),
    migration: migration.metadata.name,
    sourceCluster: spec.source.cluster,
    targets: spec.targets.map((t) => t.cluster),
  });
  let name = backupName(migration.metadata.name, startedAt);
  const failBackup = (reason: string): MigrationRunResult => {
    emit({ type: "BackupStarted", at: at(), cluster: spec.source.cluster, name });
    emit({ type: "BackupFailed", at: at(), reason });
    return finish();
  };

  const source = clusters.get(spec.source.cluster);
  if (source === undefined)
    return failBackup(`no connection is configured for source cluster ${spec.source.cluster}`);
  let exported: ExportResult;
  try {
    exported = await exportResources({
      source,
      spec,
      ...(options.concurrency?.list === undefined ? {} : { concurrency: options.concurrency.list }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
  } catch (e) {
    return failBackup(`export from ${spec.source.cluster} failed: ${describeError(e)}`);
  }

  try {
    name = await uniqueBackupName(options.repository.backups, migration.metadata.name, startedAt);
  } catch (e) {
    return failBackup(`cannot read the replication repository: ${describeError(e)}`);
  }
  const provenance = { migration: owner, sourceCluster: spec.source.cluster, backup: name };
  const prechecks = await runPrechecks({
    spec,
    clusters,
    objects: exported.objects,
    sourceCrds: exported.sourceCrds,
    sourceVersion: exported.sourceVersion,
    provenance,
    clock,
    emit,
    ...(options.location === undefined ? {} : { location: options.location }),
  });
  const { outcome } = prechecks;
  if (!outcome.proceed || prechecks.fixError !== undefined) {
    return finish({
      precheck: outcome,
      fixesApplied: prechecks.fixesApplied,
      ...(!outcome.proceed && outcome.proposal !== undefined ? { proposal: outcome.proposal } : {}),
    });
  }

  emit({ type: "BackupStarted", at: at(), cluster: spec.source.cluster, name });
  let objects: KubeObject[];
  let backupId: string;
  try {
    const written = await options.repository.backups.writeBackup({
      name,
      sourceCluster: spec.source.cluster,
      migration: owner,
      startedAt,
      resources: exported.objects,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: (p) => {
        emit({
          type: "BackupProgress",
          at: at(),
          itemsDone: p.done,
          ...(p.total === undefined ? {} : { itemsTotal: p.total }),
          ...(p.bytesDone === undefined ? {} : { bytesDone: p.bytesDone }),
        });
        options.onProgress?.(p);
      },
    });
    backupId = written.manifest.id;
    // The targets restore from what the repository holds, checksums verified, as a restore
    // in another process (or after a crash) would.
    const stored = await options.repository.backups.readBackup(name);
    objects = [];
    for await (const obj of stored.resources<KubeObject>()) objects.push(obj);
    emit({
      type: "BackupCompleted",
      at: at(),
      id: written.manifest.id,
      objects: written.manifest.resourceCount,
      bytes: written.manifest.bytes,
    });
  } catch (e) {
    emit({ type: "BackupFailed", at: at(), reason: describeError(e) });
    return finish({ precheck: outcome, fixesApplied: prechecks.fixesApplied });
  }

  const claims = objects.filter((o) => o.kind === "PersistentVolumeClaim" && o.apiVersion === "v1");
  let snapshots: readonly VolumeSnapshotRef[] | undefined;
  if (spec.includeVolumes !== false && claims.length > 0) {
    if (options.volumeMover === undefined) {
      extra.push({
        type: "VolumesReplicated",
        status: "False",
        reason: "NoVolumeDataMover",
        message: `includeVolumes is true but no volume data mover is configured: ${claims.length} claim(s) were restored without their data`,
        lastTransitionTime: at(),
      });
    } else {
      try {
        snapshots = await options.volumeMover.backupVolumes({
          source,
          claims,
          repository: options.repository,
          backup: name,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        });
      } catch (e) {
        extra.push({
          type: "VolumesReplicated",
          status: "False",
          reason: "VolumeBackupFailed",
          message: describeError(e),
          lastTransitionTime: at(),
        });
      }
    }
  }

  const toRestore = spec.includeResources === false ? [] : objects;
  const context = { migration: owner, sourceCluster: spec.source.cluster, backup: name };
  const volumeErrors: string[] = [];
  await Promise.all(
    spec.targets.map(async ({ cluster }) => {
      const client = clusters.get(cluster);
      const restoreName = `${cluster}-${name}`.slice(0, 253);
      if (client === undefined) {
        emit({ type: "RestoreStarted", at: at(), cluster, name: restoreName, itemsTotal: toRestore.length });
        emit({
          type: "RestoreFailed",
          at: at(),
          cluster,
          reason: "no connection is configured for this cluster",
        });
        return;
      }
      const types = prechecks.types.get(cluster);
      await restoreToTarget({
        client,
        name: restoreName,
        objects: toRestore,
        spec,
        context,
        clock,
        emit,
        ...(types === undefined ? {} : { types }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.concurrency?.write === undefined ? {} : { concurrency: options.concurrency.write }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(snapshots === undefined || options.volumeMover === undefined
          ? {}
          : {
              afterClaims: async () => {
                const mover = options.volumeMover as VolumeDataMover;
                try {
                  await mover.restoreVolumes({
                    target: client,
                    repository: options.repository,
                    volumes: (snapshots ?? []).map((snapshot) => ({
                      snapshot,
                      targetClaim: mapClaim(snapshot.claim, spec),
                    })),
                    ...(options.signal === undefined ? {} : { signal: options.signal }),
                  });
                } catch (e) {
                  volumeErrors.push(`${cluster}: ${describeError(e)}`);
                  throw e;
                }
              },
            }),
      });
    }),
  );
  if (snapshots !== undefined) {
    extra.push({
      type: "VolumesReplicated",
      status: volumeErrors.length === 0 ? "True" : "False",
      reason: volumeErrors.length === 0 ? "VolumesRestored" : "VolumeRestoreFailed",
      message:
        volumeErrors.length === 0
          ? `data of ${snapshots.length} claim(s) moved to every target`
          : volumeErrors.join("; "),
      lastTransitionTime: at(),
    });
  }
  return finish({ precheck: outcome, fixesApplied: prechecks.fixesApplied, backup: { name, id: backupId } });
}

function mapClaim(claim: string, spec: MigrationSpec): string {
  const [namespace = "", name = ""] = claim.split("/");
  return `${mapNamespace(namespace, spec.namespaceMapping)}/${name}`;
}

function describeError(e: unknown): string {
  return isFerryError(e, "Aborted") ? "aborted" : errorMessage(e);
}
