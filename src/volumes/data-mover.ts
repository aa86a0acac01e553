/**
 * Migration's `includeVolumes: true`: the engine's VolumeDataMover port implemented with the
 * same mover Jobs as replication. Backup: the source claims of each namespace are snapshotted
 * together, each snapshot is restored into a temporary claim, and a backup Job per claim
 * copies it into the repository. Restore: a restore Job per claim on each target, after the
 * engine created the claims and before workloads start.
 */
import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { ProgressSink } from "../core/progress.js";
import { isManagedByFerry } from "../engine/ferry-metadata.js";
import type { KubeObject } from "../engine/kube-object.js";
import type {
  BackupVolumesInput,
  RestoreVolumesInput,
  VolumeDataMover,
  VolumeSnapshotRef,
} from "../engine/run/volume-mover.js";
import {
  TYPES,
  claimFromSnapshot,
  claimRef,
  deleteAll,
  ensureCreated,
  ensureMoverSecret,
  requestedSize,
  storageClassOf,
  takeGroupSnapshot,
} from "./cluster-objects.js";
import { MOVER_SECRET, type DriverOptions } from "./context.js";
import { backupArgs, moverJob, moverJobBase, restoreArgs } from "./mover-job.js";
import { trimName } from "./names.js";
import type { MoverRepositoryAccess } from "./repository-location.js";
import { runMoverJob } from "./run-job.js";

/** Label on a migration's temporary volume objects (snapshots, claims, Jobs). */
export const VOLUME_BACKUP_LABEL = "ferry.dev/volume-backup";

export interface VolumeDataMoverOptions {
  /** Where the mover Jobs reach the repository the engine's backups use. */
  readonly repository: MoverRepositoryAccess;
  readonly clock: Clock;
  readonly options?: Pick<
    DriverOptions,
    "image" | "serviceAccountName" | "moverEnv" | "packSizeMiB" | "pollMs"
  >;
}

export function createVolumeDataMover(config: VolumeDataMoverOptions): VolumeDataMover {
  const opts = config.options ?? {};
  const jobCommon = moverJobBase(opts, config.repository.location);
  const follow = (
    client: ClusterClient,
    job: KubeObject,
    task: string,
    signal: AbortSignal | undefined,
    onProgress: ProgressSink | undefined,
  ) =>
    runMoverJob({
      client,
      job,
      clock: config.clock,
      ...(signal === undefined ? {} : { signal }),
      ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
      onProgress: (p) =>
        onProgress?.({
          task,
          done: p.bytesDone,
          bytesDone: p.bytesDone,
          ...(p.bytesTotal === undefined ? {} : { total: p.bytesTotal, bytesTotal: p.bytesTotal }),
        }),
    });

  return {
    async backupVolumes(input: BackupVolumesInput): Promise<readonly VolumeSnapshotRef[]> {
      const byNamespace = new Map<string, KubeObject[]>();
      for (const claim of input.claims) {
        const ns = claim.metadata.namespace ?? "default";
        byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), claim]);
      }
      const id = trimName(`${input.backup}`.toLowerCase().replace(/[^a-z0-9-]/g, "-"), 40);
      const refs: VolumeSnapshotRef[] = [];
      for (const [namespace, claims] of byNamespace) {
        const selector = `${VOLUME_BACKUP_LABEL}=${id}`;
        const labels = { [VOLUME_BACKUP_LABEL]: id };
        // A repeated call (after a crash) starts its Jobs again; the mover sends only what is missing.
        await deleteAll(input.source, TYPES.job, namespace, selector);
        try {
          const live = await Promise.all(
            claims.map((c) => input.source.get(claimRef(namespace, c.metadata.name))),
          );
          const members = claims.map((c, i) => ({ claim: c.metadata.name, snapshot: `${id}-s${i}` }));
          await takeGroupSnapshot({
            client: input.source,
            namespace,
            group: id,
            members,
            labels,
            clock: config.clock,
            ...(input.signal === undefined ? {} : { signal: input.signal }),
          });
          const secret = await ensureMoverSecret({
            client: input.source,
            namespace,
            name: MOVER_SECRET,
            values: config.repository.secretEnv,
          });
          for (const [i, claim] of claims.entries()) {
            const current = live[i] ?? claim;
            const storageClass = storageClassOf(current);
            await ensureCreated(
              input.source,
              claimFromSnapshot({
                namespace,
                name: `${id}-c${i}`,
                snapshot: `${id}-s${i}`,
                size: requestedSize(current) ?? "1Gi",
                ...(storageClass === undefined ? {} : { storageClass }),
                labels,
              }),
            );
            const result = await follow(
              input.source,
              moverJob({
                ...jobCommon,
                name: `${id}-b${i}`,
                namespace,
                args: backupArgs({
                  tags: { backup: input.backup, claim: `${namespace}.${claim.metadata.name}` },
                  ...(opts.packSizeMiB === undefined ? {} : { packSizeMiB: opts.packSizeMiB }),
                }),
                claim: `${id}-c${i}`,
                readOnly: true,
                ...(secret === undefined ? {} : { secretName: secret }),
                labels,
              }),
              `volume:${namespace}/${claim.metadata.name}`,
              input.signal,
              input.onProgress,
            );
            if (result.type !== "result" || result.command !== "backup") {
              throw new FerryError(
                "Internal",
                `mover backup of ${namespace}/${claim.metadata.name} returned no result`,
              );
            }
            refs.push({
              claim: `${namespace}/${claim.metadata.name}`,
              snapshot: result.snapshotId,
              bytes: result.bytesRead,
            });
          }
        } finally {
          await deleteAll(input.source, TYPES.job, namespace, selector);
          await deleteAll(input.source, TYPES.claim, namespace, selector);
          await deleteAll(input.source, TYPES.snapshot, namespace, selector);
        }
      }
      return refs;
    },

    async restoreVolumes(input: RestoreVolumesInput): Promise<void> {
      for (const { snapshot, targetClaim } of input.volumes) {
        const [namespace = "default", name = targetClaim] = targetClaim.includes("/")
          ? targetClaim.split("/", 2)
          : [undefined, targetClaim];
        const claim = await input.target.get(claimRef(namespace, name));
        if (claim === undefined) {
          throw new FerryError("NotFound", `claim ${targetClaim} does not exist on ${input.target.name}`);
        }
        if (!isManagedByFerry(claim)) {
          throw new FerryError(
            "Conflict",
            `claim ${targetClaim} on ${input.target.name} was not created by Ferry: its data is not overwritten`,
          );
        }
        const secret = await ensureMoverSecret({
          client: input.target,
          namespace,
          name: MOVER_SECRET,
          values: config.repository.secretEnv,
        });
        const jobName = trimName(`ferry-restore-${name}-${snapshot.snapshot.slice(0, 10)}`, 63);
        try {
          await follow(
            input.target,
            moverJob({
              ...jobCommon,
              name: jobName,
              namespace,
              args: restoreArgs(snapshot.snapshot),
              claim: name,
              readOnly: false,
              ...(secret === undefined ? {} : { secretName: secret }),
              labels: { [VOLUME_BACKUP_LABEL]: snapshot.snapshot.slice(0, 40) },
            }),
            `volume:${targetClaim}`,
            input.signal,
            input.onProgress,
          );
        } finally {
          await input.target.delete(
            { apiVersion: "batch/v1", kind: "Job", namespace, name: jobName },
            { propagationPolicy: "Background" },
          );
        }
      }
    },
  };
}
