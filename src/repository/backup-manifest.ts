import { FerryError } from "../core/errors.js";

/**
 * What a backup stores per Kubernetes object: plain JSON with the identifying fields typed.
 * The engine's KubeObject satisfies it.
 */
export interface StoredResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/** One content object of a backup: resources of one kind in one namespace (or cluster-scoped). */
export interface BackupGroup {
  /** Content object id (SHA-256 of the group's JSON). */
  readonly object: string;
  /** Absent for cluster-scoped resources. */
  readonly namespace?: string;
  /** `Kind.group`, or the bare kind for the core group (`Deployment.apps`, `ConfigMap`). */
  readonly groupKind: string;
  readonly count: number;
  /** Plaintext JSON bytes of the group. */
  readonly bytes: number;
  /** The resources' names, in stored order. */
  readonly names: readonly string[];
}

/** `backups/<name>/manifest.json`: written last, so a backup exists only when it is complete. */
export interface BackupManifest {
  readonly formatVersion: 1;
  readonly name: string;
  /** SHA-256 of the manifest's content: names this exact backup in status. */
  readonly id: string;
  readonly migration?: string;
  readonly sourceCluster: string;
  readonly startedAt: string;
  readonly completedAt: string;
  readonly namespaces: readonly string[];
  readonly resourceCount: number;
  /** Plaintext bytes of all resources (JSON). */
  readonly bytes: number;
  readonly groups: readonly BackupGroup[];
  /** Volume snapshots (the data mover's `snapshots/` ids) taken with this backup. */
  readonly volumeSnapshots?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

export const BACKUP_MANIFEST_FORMAT = "ferry.dev/backup-manifest";

const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Backup names are DNS-1123 subdomains, so they are safe as one key segment. */
export function assertBackupName(name: string): void {
  if (!NAME.test(name) || name.includes("..")) {
    throw new FerryError(
      "Invalid",
      `invalid backup name ${JSON.stringify(name)}: use lowercase letters, digits, '-' and '.' (at most 253)`,
      { data: { name } },
    );
  }
}

export function manifestKey(name: string): string {
  assertBackupName(name);
  return `backups/${name}/manifest.json`;
}

/** Checks a parsed manifest's shape; a malformed manifest is an Integrity error naming the field. */
export function parseBackupManifest(value: unknown, key: string): BackupManifest {
  const bad = (field: string): FerryError =>
    new FerryError("Integrity", `${key}: field ${field} is missing or invalid`, { data: { key, field } });
  if (!isObject(value)) throw bad("(root)");
  if (value["formatVersion"] !== 1) throw bad("formatVersion");
  for (const field of ["name", "id", "sourceCluster", "startedAt", "completedAt"]) {
    if (typeof value[field] !== "string") throw bad(field);
  }
  if (value["migration"] !== undefined && typeof value["migration"] !== "string") throw bad("migration");
  if (!isStringArray(value["namespaces"])) throw bad("namespaces");
  if (!isCount(value["resourceCount"])) throw bad("resourceCount");
  if (!isCount(value["bytes"])) throw bad("bytes");
  if (value["volumeSnapshots"] !== undefined && !isStringArray(value["volumeSnapshots"]))
    throw bad("volumeSnapshots");
  const groups = value["groups"];
  if (!Array.isArray(groups)) throw bad("groups");
  groups.forEach((group: unknown, i) => {
    const at = `groups[${i}]`;
    if (!isObject(group)) throw bad(at);
    if (typeof group["object"] !== "string" || !/^[0-9a-f]{64}$/.test(group["object"]))
      throw bad(`${at}.object`);
    if (group["namespace"] !== undefined && typeof group["namespace"] !== "string")
      throw bad(`${at}.namespace`);
    if (typeof group["groupKind"] !== "string") throw bad(`${at}.groupKind`);
    if (!isCount(group["count"])) throw bad(`${at}.count`);
    if (!isCount(group["bytes"])) throw bad(`${at}.bytes`);
    if (!isStringArray(group["names"]) || group["names"].length !== group["count"]) throw bad(`${at}.names`);
  });
  return value as unknown as BackupManifest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}
