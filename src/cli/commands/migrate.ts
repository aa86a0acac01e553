import { join, resolve } from "node:path";
import { Option } from "commander";
import { systemClock } from "../../core/clock.js";
import { errorMessage, isFerryError } from "../../core/errors.js";
import { runMigration } from "../../engine/run/index.js";
import { DEFAULT_DIR } from "../../local/clusters.js";
import type { ReplicationRepositorySpec } from "../../manifests/types.js";
import { openReplicationRepository } from "../../repository/repository.js";
import { createVolumeDataMover, moverRepositoryAccess } from "../../volumes/index.js";
import { buildClusterClients } from "../migrate/cluster-clients.js";
import { loadMigration } from "../migrate/load-migration.js";
import { progressView } from "../migrate/progress-view.js";
import {
  DEFAULT_STATUS_DIR,
  renderStatusDocument,
  statusDocument,
  writeStatusFile,
} from "../migrate/status-file.js";
import type { RegisterCommand } from "../main.js";

/** The embedded default repository when the repo defines no ReplicationRepository `default`. */
export const DEFAULT_REPOSITORY: ReplicationRepositorySpec = { filesystem: { path: ".ferry/repository" } };

interface MigrateOptions {
  file: string;
  repoDir: string;
  kubeconfig?: string;
  localDir: string;
  statusDir: string;
  output?: "yaml";
}

/**
 * `ferry migrate -f FILE`: runs one Migration now — pre-checks, backup, restores — drawing
 * progress bars on a terminal and JSON lines otherwise, and writes the status report to
 * `.ferry/status/<name>.yaml` (or stdout with `-o yaml`). Exit 0 Completed, 1 anything else
 * (PrecheckFailed, PartiallyFailed, Failed, invalid input), 2 usage.
 */
export const registerMigrate: RegisterCommand = (program, setExit) => {
  program
    .command("migrate")
    .description(
      "run one Migration now: pre-checks, backup to the replication repository, restore to every target",
    )
    .requiredOption("-f, --file <file>", "the file holding the Migration")
    .option("--repo-dir <dir>", "the desired-state repo with clusters/ (Cluster, ReplicationRepository)", ".")
    .option(
      "--kubeconfig <path>",
      "kubeconfig for clusters without a Cluster manifest (context = cluster name)",
    )
    .option("--local-dir <dir>", "the local clusters' directory (for `connection: {local: …}`)", DEFAULT_DIR)
    .option("--status-dir <dir>", "where the status report is written", DEFAULT_STATUS_DIR)
    .addOption(
      new Option("-o, --output <format>", "print the status report instead of writing it").choices(["yaml"]),
    )
    .action(async (opts: MigrateOptions) => {
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      const closers: (() => void)[] = [];
      try {
        const loaded = await loadMigration(opts.file, opts.repoDir);
        const { migration } = loaded;
        const spec = migration.spec;
        const baseDir = resolve(opts.repoDir);
        const clients = buildClusterClients({
          names: [spec.source.cluster, ...spec.targets.map((t) => t.cluster)],
          manifests: loaded.clusters,
          env: process.env,
          baseDir,
          localKubeconfig: resolve(opts.localDir, "kubeconfig"),
          ...(opts.kubeconfig === undefined ? {} : { kubeconfig: resolve(opts.kubeconfig) }),
        });
        const repoSpec =
          loaded.repositories.get(spec.repository)?.spec ??
          (spec.repository === "default" ? DEFAULT_REPOSITORY : undefined);
        if (repoSpec === undefined) {
          throw new Error(
            `${loaded.file}: spec.repository: no ReplicationRepository named ${spec.repository} in ${join(opts.repoDir, "clusters")}`,
          );
        }
        const repository = await openReplicationRepository(repoSpec, {
          env: process.env,
          baseDir: process.cwd(),
          clock: systemClock,
          create: true,
          name: `ReplicationRepository ${spec.repository}`,
        });
        closers.push(repository.close);
        // includeVolumes: mover Jobs reach the same repository (relative paths from the cwd, as above).
        const volumeMover =
          spec.includeVolumes !== false
            ? createVolumeDataMover({
                repository: moverRepositoryAccess(repoSpec, { env: process.env, baseDir: process.cwd() }),
                clock: systemClock,
              })
            : undefined;
        const view = progressView(process.stderr, process.stderr.isTTY && opts.output === undefined);
        let result;
        try {
          result = await runMigration({
            migration,
            clusters: clients,
            repository,
            clock: systemClock,
            signal: controller.signal,
            location: { file: loaded.file, specPath: ["spec"] },
            onEvent: (e) => view.onEvent(e),
            onProgress: (e) => view.onProgress(e),
            ...(volumeMover === undefined ? {} : { volumeMover }),
          });
        } finally {
          view.stop();
        }
        const doc = statusDocument(migration, result);
        if (opts.output === "yaml") {
          process.stdout.write(renderStatusDocument(doc));
        } else {
          const path = await writeStatusFile(opts.statusDir, doc);
          const s = result.status;
          process.stdout.write(
            `migration ${migration.metadata.name}: ${s.phase}${s.message === undefined ? "" : ` (${s.message})`}\n`,
          );
          for (const t of s.targetClusterStatus) {
            const c = t.restore?.counts;
            if (c !== undefined)
              process.stdout.write(
                `  ${t.cluster}: ${t.restore?.phase ?? "Pending"} — ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed\n`,
              );
            for (const e of t.restore?.errors ?? []) process.stdout.write(`    ${e.object}: ${e.reason}\n`);
          }
          if (result.proposal !== undefined) process.stdout.write(`\n${result.proposal.body}\n`);
          process.stdout.write(`status written to ${path}\n`);
        }
        setExit(result.status.phase === "Completed" ? 0 : 1);
      } catch (e) {
        process.stderr.write(`ferry migrate: ${errorMessage(e)}\n`);
        setExit(isFerryError(e, "Usage") ? 2 : 1);
      } finally {
        for (const close of closers) close();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
};
