import { FerryError } from "../core/errors.js";
import { sha256Hex } from "../repository/crypto.js";
import type { MoverRepository } from "./repository.js";

/** Counters of one backup run, kept in its snapshot. */
export interface BackupStats {
  files: number;
  dirs: number;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  /** Bytes of all files in the snapshot. */
  bytesTotal: number;
  /** Bytes actually read from the source (unchanged files are not read). */
  bytesRead: number;
  /** Bytes put into the repository: packs, index files and the snapshot itself. */
  bytesUploaded: number;
  chunksNew: number;
  /** Plaintext bytes of the new chunks. */
  chunkBytesNew: number;
  durationMs: number;
}

/**
 * A snapshot's root object, `snapshots/<id>.json` (id = SHA-256 of its plaintext). It is
 * written after every pack and index of the run, so a snapshot that exists is complete.
 */
export interface Snapshot {
  readonly version: 1;
  readonly time: string;
  readonly hostname: string;
  readonly source: string;
  /** Id of the root directory's tree blob. */
  readonly tree: string;
  /** Mode, owner and times of the source directory itself. */
  readonly root: RootMeta;
  readonly parent?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly stats: BackupStats;
}

export interface RootMeta {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: string;
}

export interface SnapshotEntry extends Snapshot {
  readonly id: string;
}

const SNAPSHOT_KEY = /^snapshots\/([0-9a-f]{64})\.json$/;

/** Writes a snapshot root; returns its id and stored size. */
export async function saveSnapshot(
  repo: MoverRepository,
  snapshot: Snapshot,
): Promise<{ id: string; bytes: number }> {
  const id = sha256Hex(Buffer.from(JSON.stringify(snapshot)));
  const bytes = await repo.putJson(`snapshots/${id}.json`, snapshot);
  return { id, bytes };
}

/** Every snapshot in the repository, oldest first. */
export async function listSnapshots(repo: MoverRepository): Promise<SnapshotEntry[]> {
  const out: SnapshotEntry[] = [];
  for await (const key of repo.store.list("snapshots/")) {
    const id = SNAPSHOT_KEY.exec(key)?.[1];
    if (id === undefined) continue;
    out.push({ id, ...parseSnapshot(await repo.getJson(key), key, id) });
  }
  return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/**
 * Loads a snapshot by id, unique id prefix (at least 8 hex digits) or `latest`; NotFound
 * when none matches.
 */
export async function loadSnapshot(repo: MoverRepository, ref: string): Promise<SnapshotEntry> {
  if (/^[0-9a-f]{64}$/.test(ref)) {
    const key = `snapshots/${ref}.json`;
    if (!(await repo.store.has(key)))
      throw new FerryError("NotFound", `snapshot ${ref} not found in ${repo.store.description}`);
    return { id: ref, ...parseSnapshot(await repo.getJson(key), key, ref) };
  }
  const all = await listSnapshots(repo);
  if (ref === "latest") {
    const last = all.at(-1);
    if (last === undefined)
      throw new FerryError("NotFound", `the repository ${repo.store.description} has no snapshots`);
    return last;
  }
  if (!/^[0-9a-f]{8,63}$/.test(ref)) {
    throw new FerryError(
      "Usage",
      `snapshot reference "${ref}" is not an id, an id prefix (8+ hex digits) or "latest"`,
    );
  }
  const matches = all.filter((s) => s.id.startsWith(ref));
  if (matches.length === 0)
    throw new FerryError("NotFound", `snapshot ${ref} not found in ${repo.store.description}`);
  if (matches.length > 1)
    throw new FerryError("Usage", `snapshot prefix ${ref} is ambiguous (${matches.length} matches)`);
  return matches[0]!;
}

function parseSnapshot(value: unknown, key: string, id: string): Snapshot {
  // The id is the hash of the JSON the backup wrote; JSON.stringify of the parsed object
  // reproduces it exactly, so an edited snapshot root is caught here.
  if (sha256Hex(Buffer.from(JSON.stringify(value))) !== id) {
    throw new FerryError("Integrity", `${key} does not match its id`, { data: { key } });
  }
  const s = value as Partial<Snapshot> | null;
  if (
    s === null ||
    typeof s !== "object" ||
    s.version !== 1 ||
    typeof s.tree !== "string" ||
    typeof s.time !== "string"
  ) {
    throw new FerryError("Integrity", `${key} is not a Ferry snapshot`, { data: { key } });
  }
  return s as Snapshot;
}
