import type { Clock } from "../core/clock.js";
import { isFerryError } from "../core/errors.js";
import type { ReplicationRepositorySpec } from "../manifests/types.js";
import { BackupStore } from "./backup-store.js";
import { initRepositoryConfig, readRepositoryConfig, type RepositoryConfig } from "./config.js";
import type { Compression } from "./content-codec.js";
import { ContentStore } from "./content-store.js";
import type { RepositoryKey } from "./crypto.js";
import type { ObjectStore } from "./object-store.js";
import { openObjectStore, type OpenObjectStoreOptions } from "./open-store.js";

/** An opened replication repository: its store, key, validated config and the layers over it. */
export interface Repository {
  readonly store: ObjectStore;
  readonly key: RepositoryKey | undefined;
  readonly config: RepositoryConfig;
  readonly content: ContentStore;
  readonly backups: BackupStore;
}

export interface OpenRepositoryOptions {
  readonly key: RepositoryKey | undefined;
  readonly clock: Clock;
  /** Initialise the repository when the store holds none yet (default false: NotFound). */
  readonly create?: boolean;
  /** Compression of new content objects (default gzip). */
  readonly compression?: Compression;
  /** Concurrent object transfers of backups (default 8). */
  readonly concurrency?: number;
}

/** Creates a new repository in `store` (Conflict when one exists) and opens it. */
export async function initRepository(
  store: ObjectStore,
  options: Omit<OpenRepositoryOptions, "create">,
): Promise<Repository> {
  const config = await initRepositoryConfig(store, options);
  return assemble(store, config, options);
}

/**
 * Opens the repository in `store`, checking its config and the key (missing, unexpected or
 * wrong key are Invalid errors). With `create`, an empty store is initialised first.
 */
export async function openRepository(
  store: ObjectStore,
  options: OpenRepositoryOptions,
): Promise<Repository> {
  try {
    return assemble(store, await readRepositoryConfig(store, options), options);
  } catch (err) {
    if (options.create !== true || !isFerryError(err, "NotFound")) throw err;
  }
  try {
    return await initRepository(store, options);
  } catch (err) {
    // Another process initialised it between our read and our write: open theirs.
    if (!isFerryError(err, "Conflict")) throw err;
    return assemble(store, await readRepositoryConfig(store, options), options);
  }
}

/**
 * The one call the engine needs: builds the store a ReplicationRepository spec describes
 * (credentials and key from the environment variables it names) and opens it.
 */
export async function openReplicationRepository(
  spec: ReplicationRepositorySpec,
  options: OpenObjectStoreOptions & Omit<OpenRepositoryOptions, "key">,
): Promise<Repository & { readonly close: () => void }> {
  const opened = openObjectStore(spec, options);
  try {
    const repo = await openRepository(opened.store, { ...options, key: opened.key });
    return { ...repo, close: opened.close };
  } catch (err) {
    opened.close();
    throw err;
  }
}

function assemble(
  store: ObjectStore,
  config: RepositoryConfig,
  options: Omit<OpenRepositoryOptions, "create">,
): Repository {
  const content = new ContentStore(store, {
    key: options.key,
    ...(options.compression === undefined ? {} : { compression: options.compression }),
  });
  const backups = new BackupStore(content, {
    key: options.key,
    clock: options.clock,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  return { store, key: options.key, config, content, backups };
}
