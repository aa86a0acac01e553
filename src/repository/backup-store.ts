import pLimit from "p-limit";
import type { Clock } from "../core/clock.js";
import { FerryError, isFerryError } from "../core/errors.js";
import { noProgress, type ProgressSink } from "../core/progress.js";
import { sha256Hex, type RepositoryKey } from "./crypto.js";
import { groupResources, type GroupLimits } from "./backup-groups.js";
import {
  BACKUP_MANIFEST_FORMAT,
  assertBackupName,
  manifestKey,
  parseBackupManifest,
  type BackupGroup,
  type BackupManifest,
  type StoredResource,
} from "./backup-manifest.js";
import type { ContentStore } from "./content-store.js";
import { getDocument, putDocument } from "./document.js";
import { acquireLock } from "./locks.js";

export interface BackupStoreOptions {
  readonly key: RepositoryKey | undefined;
  readonly clock: Clock;
  /** Concurrent object uploads and reads (default 8). */
  readonly concurrency?: number;
  readonly groupLimits?: GroupLimits;
}

export interface WriteBackupInput {
  /** A DNS-1123 subdomain; the key segment under `backups/`. */
  readonly name: string;
  readonly sourceCluster: string;
  readonly migration?: string;
  readonly startedAt: Date;
  readonly resources: readonly StoredResource[];
  readonly volumeSnapshots?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  /** Replace an existing backup of the same name (default: Conflict). */
  readonly replace?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressSink;
}

export interface WriteBackupResult {
  readonly manifest: BackupManifest;
  /** Content objects uploaded by this call. */
  readonly objectsWritten: number;
  /** Content objects already present (from an earlier or interrupted backup) and not sent. */
  readonly objectsReused: number;
  /** Bytes uploaded, objects and manifest. */
  readonly bytesWritten: number;
}

/** A backup that exists, with lazy access to its resources. */
export interface StoredBackup {
  readonly manifest: BackupManifest;
  /**
   * The backup's resources, group by group in manifest order (each group's checksum
   * verified as it is read); `filter` skips groups without reading them.
   */
  resources<T extends StoredResource = StoredResource>(filter?: GroupFilter): AsyncIterable<T>;
  /** One group's resources, verified. */
  readGroup<T extends StoredResource = StoredResource>(group: BackupGroup): Promise<T[]>;
}

export type GroupFilter = (group: BackupGroup) => boolean;

/**
 * Backups of Kubernetes resources over the content store: the resources go up as
 * content-addressed groups, then the manifest last, so a backup exists only once it is
 * complete, and writing it again after a crash sends only the groups that are missing.
 */
export class BackupStore {
  private readonly content: ContentStore;
  private readonly key: RepositoryKey | undefined;
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly groupLimits: GroupLimits;

  constructor(content: ContentStore, options: BackupStoreOptions) {
    this.content = content;
    this.key = options.key;
    this.clock = options.clock;
    this.concurrency = options.concurrency ?? 8;
    this.groupLimits = options.groupLimits ?? {};
  }

  /** Stores a backup: the resource groups first, the manifest last. */
  async writeBackup(input: WriteBackupInput): Promise<WriteBackupResult> {
    const key = manifestKey(input.name);
    const store = this.content.store;
    if (input.replace !== true && (await store.has(key))) {
      throw new FerryError("Conflict", `backup ${input.name} already exists in ${store.description}`, {
        data: { backup: input.name },
      });
    }
    const onProgress = input.onProgress ?? noProgress;
    const task = `backup:${input.name}`;
    const groups = groupResources(input.resources, this.groupLimits);
    const bytesTotal = groups.reduce((sum, g) => sum + g.json.byteLength, 0);
    const lock = await acquireLock(store, { operation: "backup", name: input.name, clock: this.clock });
    try {
      let done = 0;
      let bytesDone = 0;
      let objectsWritten = 0;
      let bytesWritten = 0;
      onProgress({ task, done, total: input.resources.length, bytesDone, bytesTotal });
      const limit = pLimit(this.concurrency);
      let failed = false;
      // allSettled, not all: every upload has finished (or never started) before the lock
      // is released, and after the first failure the queued ones give up at once.
      const settled = await Promise.allSettled(
        groups.map((group) =>
          limit(async (): Promise<BackupGroup> => {
            if (failed) throw new FerryError("Aborted", `backup ${input.name} stopped after an error`);
            if (input.signal?.aborted === true)
              throw new FerryError("Aborted", `backup ${input.name} aborted`);
            let put;
            try {
              put = await this.content.putObject(group.json);
            } catch (err) {
              failed = true;
              throw err;
            }
            if (put.written) {
              objectsWritten += 1;
              bytesWritten += put.storedBytes;
            }
            done += group.resources.length;
            bytesDone += group.json.byteLength;
            onProgress({ task, done, total: input.resources.length, bytesDone, bytesTotal });
            return {
              object: put.id,
              ...(group.namespace === undefined ? {} : { namespace: group.namespace }),
              groupKind: group.groupKind,
              count: group.resources.length,
              bytes: group.json.byteLength,
              names: group.resources.map((r) => r.metadata.name),
            };
          }),
        ),
      );
      const stored: BackupGroup[] = [];
      for (const result of settled) {
        if (result.status === "rejected") throw firstFailure(settled);
        stored.push(result.value);
      }
      if (input.signal?.aborted === true) throw new FerryError("Aborted", `backup ${input.name} aborted`);
      const namespaces = [
        ...new Set(
          input.resources.flatMap((r) => (r.metadata.namespace === undefined ? [] : [r.metadata.namespace])),
        ),
      ].sort();
      const body: Omit<BackupManifest, "id"> = {
        formatVersion: 1,
        name: input.name,
        ...(input.migration === undefined ? {} : { migration: input.migration }),
        sourceCluster: input.sourceCluster,
        startedAt: input.startedAt.toISOString(),
        completedAt: this.clock.now().toISOString(),
        namespaces,
        resourceCount: input.resources.length,
        bytes: bytesTotal,
        groups: stored,
        ...(input.volumeSnapshots === undefined ? {} : { volumeSnapshots: [...input.volumeSnapshots] }),
        ...(input.labels === undefined ? {} : { labels: { ...input.labels } }),
      };
      const manifest: BackupManifest = { ...body, id: sha256Hex(Buffer.from(JSON.stringify(body))) };
      bytesWritten += await putDocument(store, key, {
        format: BACKUP_MANIFEST_FORMAT,
        body: manifest,
        repositoryKey: this.key,
      });
      return { manifest, objectsWritten, objectsReused: groups.length - objectsWritten, bytesWritten };
    } finally {
      // A failed release only leaves a lock that prune treats as stale later.
      await lock.release().catch(() => undefined);
    }
  }

  /** The backup's manifest and its resources; NotFound when no complete backup has that name. */
  async readBackup(name: string): Promise<StoredBackup> {
    const manifest = await this.readManifest(name);
    const readGroup = async <T extends StoredResource>(group: BackupGroup): Promise<T[]> => {
      const bytes = await this.content.getObject(group.object);
      const parsed = JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown;
      if (!Array.isArray(parsed) || parsed.length !== group.count) {
        throw new FerryError(
          "Integrity",
          `backup ${name}: object ${group.object} does not hold ${group.count} resources`,
          {
            data: { backup: name, object: group.object },
          },
        );
      }
      return parsed as T[];
    };
    const concurrency = this.concurrency;
    return {
      manifest,
      readGroup,
      async *resources<T extends StoredResource>(filter?: GroupFilter): AsyncIterable<T> {
        const wanted = manifest.groups.filter((g) => filter === undefined || filter(g));
        // Read ahead a window of `concurrency` groups while the caller consumes one, so
        // memory stays bounded however large the backup is.
        const window: Promise<T[]>[] = [];
        let next = 0;
        const fill = (): void => {
          for (
            let group = wanted[next];
            window.length < concurrency && group !== undefined;
            group = wanted[next]
          ) {
            next += 1;
            const reading = readGroup<T>(group);
            // Handled when awaited; this keeps an early `break` from leaving unhandled rejections.
            reading.catch(() => undefined);
            window.push(reading);
          }
        };
        fill();
        for (let reading = window.shift(); reading !== undefined; reading = window.shift()) {
          const items = await reading;
          fill();
          yield* items;
        }
      },
    };
  }

  /** Only the manifest of backup `name`. */
  async readManifest(name: string): Promise<BackupManifest> {
    const key = manifestKey(name);
    let body: unknown;
    try {
      body = await getDocument(this.content.store, key, {
        format: BACKUP_MANIFEST_FORMAT,
        repositoryKey: this.key,
      });
    } catch (err) {
      if (isFerryError(err, "NotFound")) {
        throw new FerryError("NotFound", `backup ${name} not found in ${this.content.store.description}`, {
          data: { backup: name },
          cause: err,
        });
      }
      throw err;
    }
    const manifest = parseBackupManifest(body, key);
    if (manifest.name !== name) {
      throw new FerryError("Integrity", `${key} names backup ${manifest.name}`, { data: { backup: name } });
    }
    return manifest;
  }

  /** Whether a complete backup named `name` exists. */
  hasBackup(name: string): Promise<boolean> {
    return this.content.store.has(manifestKey(name));
  }

  /** Names of complete backups (those with a manifest), sorted. */
  async listBackups(): Promise<string[]> {
    const names: string[] = [];
    for await (const key of this.content.store.list("backups/")) {
      const match = /^backups\/([^/]+)\/manifest\.json$/.exec(key);
      if (match?.[1] !== undefined) names.push(match[1]);
    }
    return names;
  }

  /**
   * Deletes backup `name` by removing its manifest; returns whether it existed. Its objects
   * stay until `pruneRepository` finds no backup naming them.
   */
  async deleteBackup(name: string): Promise<boolean> {
    assertBackupName(name);
    const key = manifestKey(name);
    const existed = await this.content.store.has(key);
    await this.content.store.delete(key);
    return existed;
  }
}

/** The first real error of a settled batch: an upload failure before the give-ups it caused. */
function firstFailure(settled: readonly PromiseSettledResult<unknown>[]): unknown {
  const reasons = settled.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  return reasons.find((r) => !isFerryError(r, "Aborted")) ?? reasons[0];
}
