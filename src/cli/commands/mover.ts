import { access, constants, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ReplicationRepositorySpec } from "../../manifests/types.js";
import { FerryError, errorMessage, isFerryError } from "../../core/errors.js";
import type { ProgressSink } from "../../core/progress.js";
import { backup } from "../../mover/backup.js";
import type { Compression } from "../../mover/blob-codec.js";
import { repositorySpecOf } from "../../mover/location.js";
import { mapPath, parsePathMap, type PathMap } from "../../mover/path-map.js";
import { MoverRepository } from "../../mover/repository.js";
import { withMoverLock } from "../../mover/lock.js";
import { restore, type RestoreMode } from "../../mover/restore.js";
import { listSnapshots } from "../../mover/snapshot.js";
import { systemClock } from "../../core/clock.js";
import { deriveKey } from "../../repository/crypto.js";
import { FsObjectStore } from "../../repository/fs-store.js";
import type { OpenedObjectStore } from "../../repository/open-store.js";
import { Command, CommanderError } from "commander";
import type { RegisterCommand } from "../main.js";
import { registerMoverMaintenance } from "./mover-maintenance.js";
import { moverProgress } from "./mover-progress.js";

export const KEY_ENV = "FERRY_REPOSITORY_KEY";
const TERMINATION_LOG = "/dev/termination-log";

export interface RepoFlags {
  readonly repo?: string;
  readonly keyFile?: string;
  readonly json?: boolean;
}

/**
 * `ferry mover backup|restore|snapshots`: the data mover that runs next to the data (as a
 * Job mounting the PVCs, or as a process on local clusters). With `--json` it prints
 * progress and the result as JSON lines; the result also goes to /dev/termination-log when
 * that exists (Kubernetes' termination message), so the engine can read it from the Pod.
 */
export const registerMover: RegisterCommand = (program, setExit) => {
  const mover = program.command("mover").description("back up and restore volume data (the data mover)");

  mover
    .command("backup")
    .description("back up a directory into the replication repository")
    .option("--repo <location>", "repository: a path, file:// URL or s3://bucket/prefix?endpoint=…")
    .requiredOption("--source <dir>", "directory to back up")
    .option("--parent <snapshot>", "snapshot whose unchanged files are skipped (id, prefix or latest)")
    .option("--tag <key=value>", "tag the snapshot (repeatable)", collect, [] as string[])
    .option("--ignore-inode", "skip unchanged files by size and mtime only (sources restored from snapshots)")
    .option("--compression <mode>", "off or deflate", "off")
    .option("--pack-size <MiB>", "target size of pack files in MiB", "4")
    .option("--key-file <path>", `file holding the repository key (default: $${KEY_ENV})`)
    .option("--json", "print progress and the result as JSON lines")
    .action(
      async (
        flags: RepoFlags & {
          source: string;
          parent?: string;
          tag: string[];
          compression: string;
          packSize: string;
          ignoreInode?: boolean;
        },
      ) => {
        await runCommand("backup", flags, setExit, async (ctx) => {
          const compression = compressionOf(flags.compression);
          // A shared lock: prune (exclusive) must not run while packs no index names yet are uploaded.
          const lock = { store: ctx.opened.store, kind: "backup", clock: systemClock } as const;
          const result = await withMoverLock(lock, () =>
            backup({
              store: ctx.opened.store,
              key: ctx.opened.key,
              source: mapPath(flags.source, ctx.pathMap),
              parent: flags.parent,
              tags: tagsOf(flags.tag),
              compression,
              packSize: packSizeOf(flags.packSize),
              ignoreInode: flags.ignoreInode === true,
              signal: ctx.signal,
              ...(ctx.progress === undefined ? {} : { onProgress: ctx.progress }),
              onWarning: (m) => process.stderr.write(`ferry: warning: ${m}\n`),
            }),
          );
          const s = result.snapshot.stats;
          return {
            json: { snapshotId: result.snapshotId, parent: result.snapshot.parent ?? null, ...s },
            text: `snapshot ${result.snapshotId}: ${s.files} files, ${mib(s.bytesRead)} read, ${mib(s.bytesUploaded)} uploaded, ${s.chunksNew} new chunks in ${(s.durationMs / 1000).toFixed(1)}s`,
          };
        });
      },
    );

  mover
    .command("restore")
    .description("restore a snapshot into a directory (staged and swapped in, or mirrored in place)")
    .option("--repo <location>", "repository: a path, file:// URL or s3://bucket/prefix?endpoint=…")
    .requiredOption("--snapshot <id>", "snapshot id, unique prefix or latest")
    .requiredOption("--target <dir>", "directory to restore into")
    .option(
      "--mode <mode>",
      "swap (stage next to target, then rename) or mirror (in place, delete extras)",
      "swap",
    )
    .option("--key-file <path>", `file holding the repository key (default: $${KEY_ENV})`)
    .option("--json", "print progress and the result as JSON lines")
    .action(async (flags: RepoFlags & { snapshot: string; target: string; mode: string }) => {
      await runCommand("restore", flags, setExit, async (ctx) => {
        const lock = { store: ctx.opened.store, kind: "restore", clock: systemClock } as const;
        const result = await withMoverLock(lock, () =>
          restore({
            store: ctx.opened.store,
            key: ctx.opened.key,
            snapshot: flags.snapshot,
            target: mapPath(flags.target, ctx.pathMap),
            mode: restoreModeOf(flags.mode),
            signal: ctx.signal,
            ...(ctx.progress === undefined ? {} : { onProgress: ctx.progress }),
          }),
        );
        return {
          json: { ...result },
          text: `restored ${result.snapshotId}: ${result.files} files, ${mib(result.bytesTotal)} in ${(result.durationMs / 1000).toFixed(1)}s`,
        };
      });
    });

  mover
    .command("snapshots")
    .description("list the snapshots in the repository")
    .option("--repo <location>", "repository: a path, file:// URL or s3://bucket/prefix?endpoint=…")
    .option("--key-file <path>", `file holding the repository key (default: $${KEY_ENV})`)
    .option("--json", "print the snapshots as JSON")
    .action(async (flags: RepoFlags) => {
      await runCommand("snapshots", flags, setExit, async (ctx) => {
        const repo = await MoverRepository.open(ctx.opened.store, { key: ctx.opened.key });
        const all = await listSnapshots(repo);
        const rows = all.map((s) => ({
          id: s.id,
          time: s.time,
          source: s.source,
          parent: s.parent ?? null,
          tags: s.tags,
          files: s.stats.files,
          bytes: s.stats.bytesTotal,
        }));
        return {
          json: { snapshots: rows },
          text:
            rows.length === 0
              ? "no snapshots"
              : rows
                  .map(
                    (r) => `${r.id.slice(0, 12)}  ${r.time}  ${r.files} files  ${mib(r.bytes)}  ${r.source}`,
                  )
                  .join("\n"),
        };
      });
    });

  registerMoverMaintenance(mover, setExit);
};

/**
 * `ferry mover …` without the rest of the CLI: the mover starts as a Job on every
 * replication run, and loading every command (cluster clients, Git, GitHub) takes seconds
 * and ~90 MiB before the first byte moves. `bin/ferry.js` routes `mover` here; the exit
 * handling is the same as `main`'s.
 */
export async function moverMain(argv: readonly string[]): Promise<number> {
  const program = new Command("ferry")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let exitCode = 0;
  registerMover(program, (code) => {
    exitCode = Math.max(exitCode, code);
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`ferry: ${errorMessage(e)}\n`);
    return 1;
  }
}

export interface CommandContext {
  readonly opened: OpenedObjectStore;
  readonly pathMap: PathMap | undefined;
  readonly signal: AbortSignal;
  /** Undefined when nobody watches (no `--json`, no terminal): the mover then skips work only progress needs. */
  readonly progress: ProgressSink | undefined;
}

/** Opens the repository from the common flags, runs `body` and prints its result (or error). */
export async function runCommand(
  name: string,
  flags: RepoFlags,
  setExit: (code: number) => void,
  body: (ctx: CommandContext) => Promise<{ json: Record<string, unknown>; text: string }>,
): Promise<void> {
  const json = flags.json === true;
  let pathMap: PathMap | undefined;
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  let opened: OpenedObjectStore | undefined;
  let stopProgress = (): void => undefined;
  try {
    pathMap = parsePathMap(process.env["FERRY_PATH_MAP"]);
    const env = await envWithKey(flags.keyFile === undefined ? undefined : mapPath(flags.keyFile, pathMap));
    const location = flags.repo ?? env["FERRY_REPOSITORY"] ?? "";
    const spec = repositorySpecOf(location.startsWith("s3://") ? location : mapPath(location, pathMap), {
      env,
      keyEnv: KEY_ENV,
    });
    opened = await openStore(spec, env);
    const view = await moverProgress(json, process.stdout, process.stderr);
    stopProgress = () => view.stop();
    const out = await body({ opened, pathMap, signal: abort.signal, progress: view.sink });
    stopProgress();
    const result = { type: "result", command: name, ...out.json };
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${out.text}\n`);
    if (name !== "snapshots") await writeTerminationLog(result, pathMap);
  } catch (err) {
    const code = isFerryError(err) ? err.code : "Internal";
    const message = errorMessage(err);
    process.stderr.write(`ferry: ${message}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ type: "error", command: name, code, message })}\n`);
    if (name !== "snapshots")
      await writeTerminationLog({ type: "error", command: name, code, message }, pathMap);
    setExit(isFerryError(err, "Usage") ? 2 : 1);
  } finally {
    stopProgress();
    opened?.close();
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}

/**
 * Opens the repository; the S3 backend (and the AWS SDK, half a second to load) only when
 * the repository is in S3 — the mover starts on every replication run.
 */
async function openStore(
  spec: ReplicationRepositorySpec,
  env: Record<string, string | undefined>,
): Promise<OpenedObjectStore> {
  if (spec.filesystem !== undefined) {
    const secret = spec.encryption === undefined ? undefined : env[spec.encryption.keyEnv];
    return {
      store: new FsObjectStore({ root: resolve(spec.filesystem.path) }),
      key: secret === undefined ? undefined : deriveKey(secret),
      close: () => undefined,
    };
  }
  const { openObjectStore } = await import("../../repository/open-store.js");
  return openObjectStore(spec, { env, baseDir: process.cwd(), name: "the mover repository" });
}

/** The environment, with the key from `--key-file` in FERRY_REPOSITORY_KEY when given. */
async function envWithKey(keyFile: string | undefined): Promise<Record<string, string | undefined>> {
  const env: Record<string, string | undefined> = { ...process.env };
  if (keyFile !== undefined) {
    const text = await readFile(keyFile, "utf8").catch((cause: unknown) => {
      throw new FerryError("Usage", `cannot read the key file ${keyFile}`, { cause });
    });
    env[KEY_ENV] = text.replace(/\r?\n$/, "");
    deriveKey(env[KEY_ENV]); // fails early, without echoing the key, when it is empty
  }
  return env;
}

/**
 * Writes the result where Kubernetes picks up a container's termination message: only when
 * the file already exists (the kubelet creates it) or FERRY_PATH_MAP redirects it.
 */
async function writeTerminationLog(
  result: Record<string, unknown>,
  pathMap: PathMap | undefined,
): Promise<void> {
  const path = mapPath(TERMINATION_LOG, pathMap);
  try {
    if (path === TERMINATION_LOG) await access(path, constants.W_OK);
    await writeFile(path, `${JSON.stringify(result)}\n`);
  } catch {
    // No termination log here (not in a Pod): the result went to stdout.
  }
}

function compressionOf(value: string): Compression {
  if (value === "off" || value === "deflate") return value;
  throw new FerryError("Usage", `--compression must be off or deflate, not ${JSON.stringify(value)}`);
}

function packSizeOf(value: string): number {
  const mib = Number(value);
  if (!Number.isFinite(mib) || mib < 0.0625 || mib > 256) {
    throw new FerryError(
      "Usage",
      `--pack-size must be a number of MiB between 0.0625 and 256, not ${JSON.stringify(value)}`,
    );
  }
  return Math.round(mib * 1024 * 1024);
}

function restoreModeOf(value: string): RestoreMode {
  if (value === "swap" || value === "mirror") return value;
  throw new FerryError("Usage", `--mode must be swap or mirror, not ${JSON.stringify(value)}`);
}

function tagsOf(values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new FerryError("Usage", `--tag ${JSON.stringify(v)} is not key=value`);
    tags[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return tags;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
