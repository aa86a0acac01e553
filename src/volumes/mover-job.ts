import type { KubeObject } from "../engine/kube-object.js";
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from "../engine/ferry-metadata.js";

/** Ferry's image; local clusters run its pods as real `ferry` processes. */
export const DEFAULT_MOVER_IMAGE = "ghcr.io/ferry-dev/ferry:dev";

/** Where the mover sees the claim it reads or writes. */
export const DATA_MOUNT = "/data";

export interface MoverJobOptions {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  /** The `ferry` arguments, starting with `mover`. */
  readonly args: readonly string[];
  /** The claim mounted at {@link DATA_MOUNT}; none for commands that only touch the repository (forget). */
  readonly claim?: string;
  readonly readOnly: boolean;
  /** `--repo` value (FERRY_REPOSITORY). */
  readonly repository: string;
  /** Secret whose keys become the mover's environment (key, S3 credentials); none when empty. */
  readonly secretName?: string;
  /** Plain extra environment (never secrets). */
  readonly env?: Readonly<Record<string, string>>;
  readonly serviceAccountName?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * What every mover Job a driver starts shares: the configured image (or Ferry's), the
 * repository, and the configured service account and extra environment.
 */
export function moverJobBase(
  options:
    | {
        readonly image?: string;
        readonly serviceAccountName?: string;
        readonly moverEnv?: Readonly<Record<string, string>>;
      }
    | undefined,
  repository: string,
): Pick<MoverJobOptions, "image" | "repository" | "serviceAccountName" | "env"> {
  return {
    image: options?.image ?? DEFAULT_MOVER_IMAGE,
    repository,
    ...(options?.serviceAccountName === undefined ? {} : { serviceAccountName: options.serviceAccountName }),
    ...(options?.moverEnv === undefined ? {} : { env: options.moverEnv }),
  };
}

/**
 * The Job that runs one mover command next to the data: one container of Ferry's image, the
 * claim mounted at /data, the repository location in FERRY_REPOSITORY, secrets through
 * `envFrom`, no retries (the driver decides what a failure means and resumes itself), and the
 * result read from the termination message (`FallbackToLogsOnError`).
 */
export function moverJob(options: MoverJobOptions): KubeObject {
  const labels = { ...options.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  const env = [
    { name: "FERRY_REPOSITORY", value: options.repository },
    ...Object.entries(options.env ?? {}).map(([name, value]) => ({ name, value })),
  ];
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: options.name, namespace: options.namespace, labels },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          ...(options.serviceAccountName === undefined
            ? {}
            : { serviceAccountName: options.serviceAccountName }),
          containers: [
            {
              name: "mover",
              image: options.image,
              args: [...options.args],
              env,
              ...(options.secretName === undefined
                ? {}
                : { envFrom: [{ secretRef: { name: options.secretName } }] }),
              terminationMessagePolicy: "FallbackToLogsOnError",
              ...(options.claim === undefined
                ? {}
                : { volumeMounts: [{ name: "data", mountPath: DATA_MOUNT, readOnly: options.readOnly }] }),
            },
          ],
          ...(options.claim === undefined
            ? {}
            : {
                volumes: [
                  {
                    name: "data",
                    persistentVolumeClaim: { claimName: options.claim, readOnly: options.readOnly },
                  },
                ],
              }),
        },
      },
    },
  };
}

/** Arguments of a backup of /data; `parent` makes it incremental. */
export function backupArgs(options: {
  readonly parent?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly packSizeMiB?: number;
}): string[] {
  return [
    "mover",
    "backup",
    "--source",
    DATA_MOUNT,
    "--json",
    ...(options.parent === undefined ? [] : ["--parent", options.parent]),
    ...(options.packSizeMiB === undefined ? [] : ["--pack-size", String(options.packSizeMiB)]),
    ...Object.entries(options.tags).flatMap(([k, v]) => ["--tag", `${k}=${v}`]),
  ];
}

/**
 * Arguments of a restore into /data. `mirror`, because a mounted claim is a mount point that
 * cannot be renamed; the consistent copy is the target VolumeSnapshot taken after every claim
 * of the group is restored (see docs/volumes.md).
 */
export function restoreArgs(snapshot: string): string[] {
  return ["mover", "restore", "--snapshot", snapshot, "--target", DATA_MOUNT, "--mode", "mirror", "--json"];
}

/**
 * Arguments of a forget of one replication's older snapshots: only snapshots tagged
 * `replication=<tag>` are considered (other replications' and migrations' are `untouched`),
 * one history per claim (`pvc`) whatever the path it was read from (`--ignore-source`: the
 * temporary claim's mount differs every cycle on a local cluster), counts only in the result.
 */
export function forgetArgs(options: {
  readonly replication: string;
  readonly keepLast?: number;
  readonly keepWithin?: string;
}): string[] {
  return [
    "mover",
    "forget",
    "--json",
    "--summary",
    "--tag",
    `replication=${options.replication}`,
    "--group-by",
    "replication,pvc",
    "--ignore-source",
    ...(options.keepLast === undefined ? [] : ["--keep-last", String(options.keepLast)]),
    ...(options.keepWithin === undefined ? [] : ["--keep-within", options.keepWithin]),
  ];
}
