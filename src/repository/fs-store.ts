import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import * as path from "node:path";
import { FerryError } from "../core/errors.js";
import { TEMP_MARKER, assertValidKey, assertValidPrefix } from "./keys.js";
import type { ObjectStore } from "./object-store.js";

export interface FsObjectStoreOptions {
  /** The folder holding the repository; created on the first write. */
  readonly root: string;
  /**
   * Flush every object to disk before it becomes visible (default true). Only tests and
   * throw-away repositories should turn this off.
   */
  readonly fsync?: boolean;
}

/**
 * The filesystem backend (the embedded default): each key is a file under `root`.
 * Writes go to a temporary file in the same folder, are flushed and then renamed over the
 * key, so a reader (or a crash) sees the old object or the new one, never half of one.
 */
export class FsObjectStore implements ObjectStore {
  readonly description: string;
  private readonly root: string;
  private readonly fsync: boolean;
  // Folders known to exist: the mover puts thousands of objects a second into a few
  // hundred fan-out folders, and a mkdir per put would double the syscalls.
  private readonly createdDirs = new Set<string>();

  constructor(options: FsObjectStoreOptions) {
    this.root = path.resolve(options.root);
    this.fsync = options.fsync ?? true;
    this.description = `file://${this.root}`;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const file = this.fileOf(key);
    const dir = path.dirname(file);
    const temp = path.join(dir, `${TEMP_MARKER}${randomBytes(8).toString("hex")}`);
    await this.ensureDir(dir);
    try {
      await this.writeFile(temp, data).catch(async (err: unknown) => {
        // The folder may have been removed behind our back since we cached it.
        if (errnoOf(err) !== "ENOENT") throw err;
        this.createdDirs.delete(dir);
        await this.ensureDir(dir);
        await this.writeFile(temp, data);
      });
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw ioError(err, `cannot write object ${key} in ${this.description}`, key);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const file = this.fileOf(key);
    try {
      return await readWhole(file);
    } catch (err) {
      if (isAbsent(err)) {
        throw new FerryError("NotFound", `object ${key} not found in ${this.description}`, { data: { key } });
      }
      throw ioError(err, `cannot read object ${key} in ${this.description}`, key);
    }
  }

  async has(key: string): Promise<boolean> {
    const file = this.fileOf(key);
    try {
      return (await stat(file)).isFile();
    } catch (err) {
      if (isAbsent(err)) return false;
      throw ioError(err, `cannot check object ${key} in ${this.description}`, key);
    }
  }

  /** Walks only the folders that can hold keys with `prefix`, one folder in memory at a time. */
  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    const slash = prefix.lastIndexOf("/");
    const startKey = slash < 0 ? "" : prefix.slice(0, slash);
    yield* this.walk(startKey, prefix);
  }

  async delete(key: string): Promise<void> {
    const file = this.fileOf(key);
    try {
      await unlink(file);
    } catch (err) {
      if (isAbsent(err)) return;
      throw ioError(err, `cannot delete object ${key} in ${this.description}`, key);
    }
  }

  private async *walk(dirKey: string, prefix: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(dirKey === "" ? this.root : path.join(this.root, dirKey), {
        withFileTypes: true,
      });
    } catch (err) {
      if (isAbsent(err)) return;
      throw ioError(err, `cannot list ${dirKey || "/"} in ${this.description}`, dirKey);
    }
    // Sorting a folder's entries as `name` for files and `name/` for folders and walking
    // depth-first yields full keys in lexicographic order, the order S3 lists in.
    const named = entries
      .filter((e) => !e.name.startsWith(TEMP_MARKER) && (e.isFile() || e.isDirectory()))
      .map((e) => ({
        sortKey: e.isDirectory() ? `${e.name}/` : e.name,
        name: e.name,
        isDir: e.isDirectory(),
      }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const entry of named) {
      const key = dirKey === "" ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDir) {
        const asDir = `${key}/`;
        if (asDir.startsWith(prefix) || prefix.startsWith(asDir)) yield* this.walk(key, prefix);
      } else if (key.startsWith(prefix)) {
        yield key;
      }
    }
  }

  private fileOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split("/"));
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.createdDirs.has(dir)) return;
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw ioError(err, `cannot create folder ${dir}`, dir);
    }
    this.createdDirs.add(dir);
  }

  private async writeFile(file: string, data: Uint8Array): Promise<void> {
    const handle = await open(file, "wx");
    try {
      await handle.writeFile(data);
      if (this.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string"
    ? err.code
    : undefined;
}

function isAbsent(err: unknown): boolean {
  const code = errnoOf(err);
  // ENOTDIR: a path segment is a file; EISDIR: the key names a folder. Neither is an object.
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

function ioError(err: unknown, message: string, key: string): FerryError {
  if (err instanceof FerryError) return err;
  const errno = errnoOf(err);
  return new FerryError("IO", errno === undefined ? message : `${message}: ${errno}`, {
    data: { key, errno },
    cause: err,
  });
}

/**
 * A file's bytes in one read of its size (objects are written once, by rename), into an
 * ArrayBuffer of their own so that a pack can be transferred to a worker without a copy.
 * `readFile` reads in 512 KiB steps: eleven thread-pool round trips for a 4 MiB pack
 * instead of four, which kept restore's workers waiting for packs.
 */
async function readWhole(file: string): Promise<Uint8Array> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    await handle.close();
  }
}
