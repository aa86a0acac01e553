import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { KubeObject } from "../api.js";

/** What the log held when it was opened: every object by storage key and object key. */
export interface LoadedState {
  buckets: Map<string, Map<string, KubeObject>>;
  resourceVersion: number;
}

interface Record_ {
  /** storage key (group/resource) */
  k: string;
  /** object key (namespace/name or name) */
  n: string;
  rv: number;
  o?: KubeObject;
}

const FILE = "objects.jsonl";
const FLUSH_MS = 15;

/**
 * The store's persistence: an append-only JSON-lines log of puts and removals, compacted on
 * open. Writes are batched and flushed every few milliseconds, so thousands of writes a
 * second cost a handful of `write` calls; `close` flushes what is pending.
 */
export class StateLog {
  private fd: number | undefined;
  private pending: string[] = [];
  /** Records in the file (and pending) since it was last compacted. */
  records = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly file: string) {}

  /** Opens (creating) the log in `dir`, returning it and the state it held. */
  static open(dir: string): { log: StateLog; state: LoadedState } {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, FILE);
    const state: LoadedState = { buckets: new Map(), resourceVersion: 0 };
    if (existsSync(file)) {
      const text = readFileSync(file, "utf8");
      for (const line of text.split("\n")) {
        if (line === "") continue;
        let rec: Record_;
        try {
          rec = JSON.parse(line) as Record_;
        } catch {
          continue; // a torn last line from a crash: everything before it is intact
        }
        let bucket = state.buckets.get(rec.k);
        if (bucket === undefined) {
          bucket = new Map<string, KubeObject>();
          state.buckets.set(rec.k, bucket);
        }
        if (rec.o === undefined) bucket.delete(rec.n);
        else bucket.set(rec.n, rec.o);
        if (rec.rv > state.resourceVersion) state.resourceVersion = rec.rv;
      }
    }
    const log = new StateLog(file);
    log.compact(state);
    return { log, state };
  }

  /**
   * Rewrites the log as one record per object, dropping superseded ones. `state` must be
   * the store's current state, which already includes what is pending.
   */
  rewrite(state: LoadedState): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.compact(state);
  }

  private compact(state: LoadedState): void {
    const lines: string[] = [];
    for (const [k, bucket] of state.buckets) {
      for (const [n, o] of bucket)
        lines.push(JSON.stringify({ k, n, rv: Number(o.metadata.resourceVersion ?? 0), o }));
    }
    // Keep the counter even when the newest write was a removal.
    lines.push(JSON.stringify({ k: "", n: "", rv: state.resourceVersion }));
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, lines.length === 0 ? "" : `${lines.join("\n")}\n`);
    renameSync(tmp, this.file);
    this.fd = openSync(this.file, "a");
    this.records = lines.length;
  }

  /** Records an object, given as its JSON (the store serialises each object once). */
  put(storageKey: string, objectKey: string, objectJson: string, rv: number): void {
    this.append(
      `{"k":${JSON.stringify(storageKey)},"n":${JSON.stringify(objectKey)},"rv":${rv},"o":${objectJson}}`,
    );
  }

  remove(storageKey: string, objectKey: string, rv: number): void {
    this.append(JSON.stringify({ k: storageKey, n: objectKey, rv }));
  }

  private append(line: string): void {
    this.records += 1;
    this.pending.push(line);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Writes what is pending now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || this.fd === undefined) return;
    const chunk = `${this.pending.join("\n")}\n`;
    this.pending = [];
    writeSync(this.fd, chunk);
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
