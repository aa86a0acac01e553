/**
 * `ferry replicate -f FILE`: one reconcile of a VolumeReplication from the command line —
 * the same `replicateGroup` the controller runs. The status is kept between runs in
 * `<status-dir>/volumes/<namespace>.<name>.yaml` (the controller keeps it on its status
 * branch), which is how an interrupted cycle resumes and a role swap is noticed.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Option } from "commander";
import { parse, stringify } from "yaml";
import { systemClock } from "../../core/clock.js";
import { FerryError, errorMessage, isFerryError } from "../../core/errors.js";
import { DEFAULT_DIR } from "../../local/clusters.js";
import { textLine } from "../../manifests/report.js";
import type {
  Cluster,
  ReplicationRepository,
  SchedulePolicy,
  VolumeGroup,
  VolumeReplication,
} from "../../manifests/types.js";
import {
  moverRepositoryAccess,
  replicateGroup,
  resizeGroup,
  type VolumeReplicationStatus,
} from "../../volumes/index.js";
import { readManifestFile, repoObjects } from "../manifest-file.js";
import { buildClusterClients } from "../migrate/cluster-clients.js";
import { DEFAULT_STATUS_DIR } from "../migrate/status-file.js";
import type { RegisterCommand } from "../main.js";
import { DEFAULT_REPOSITORY } from "./migrate.js";

interface ReplicateOptions {
  file: string;
  repoDir: string;
  kubeconfig?: string;
  localDir: string;
  statusDir: string;
  force?: boolean;
  resize: string[];
  output?: "yaml";
}

export const registerReplicate: RegisterCommand = (program, setExit) => {
  program
    .command("replicate")
    .description(
      "reconcile one VolumeReplication now: a replication cycle when due (or --force), a role swap, a resize",
    )
    .requiredOption("-f, --file <file>", "the file holding the VolumeReplication")
    .option(
      "--repo-dir <dir>",
      "the desired-state repo (Cluster, ReplicationRepository, VolumeGroup, SchedulePolicy)",
      ".",
    )
    .option(
      "--kubeconfig <path>",
      "kubeconfig for clusters without a Cluster manifest (context = cluster name)",
    )
    .option("--local-dir <dir>", "the local clusters' directory (for `connection: {local: …}`)", DEFAULT_DIR)
    .option("--status-dir <dir>", "where the replication's status is kept between runs", DEFAULT_STATUS_DIR)
    .option("--force", "run a cycle even when the schedule has none due")
    .option(
      "--resize <claim=size>",
      "grow a source claim and its target (repeatable), pausing replication meanwhile",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .addOption(new Option("-o, --output <format>", "print the status").choices(["yaml"]))
    .action(async (opts: ReplicateOptions) => {
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        const loaded = await load(opts.file, opts.repoDir);
        const { replication } = loaded;
        const spec = replication.spec;
        const baseDir = resolve(opts.repoDir);
        const clusters = buildClusterClients({
          names: [spec.source.cluster, spec.target.cluster],
          manifests: loaded.clusters,
          env: process.env,
          baseDir,
          localKubeconfig: resolve(opts.localDir, "kubeconfig"),
          ...(opts.kubeconfig === undefined ? {} : { kubeconfig: resolve(opts.kubeconfig) }),
        });
        const repositoryName = spec.repository ?? "default";
        const repoSpec =
          loaded.repositories.get(repositoryName)?.spec ??
          (repositoryName === "default" ? DEFAULT_REPOSITORY : undefined);
        if (repoSpec === undefined) {
          throw new FerryError(
            "Invalid",
            `${loaded.file}: spec.repository: no ReplicationRepository named ${repositoryName}`,
          );
        }
        const statusPath = join(
          opts.statusDir,
          "volumes",
          `${replication.metadata.namespace}.${replication.metadata.name}.yaml`,
        );
        const previous = await readStatus(statusPath);
        const sizes = parseSizes(opts.resize);
        let saving: Promise<void> = Promise.resolve();
        const common = {
          replication,
          groups: loaded.groups,
          clusters,
          repository: moverRepositoryAccess(repoSpec, { env: process.env, baseDir: process.cwd() }),
          policies: loaded.policies,
          clock: systemClock,
          signal: controller.signal,
          ...(previous === undefined ? {} : { status: previous }),
          onEvent: (e: Parameters<NonNullable<Parameters<typeof replicateGroup>[0]["onEvent"]>>[0]) => {
            if (e.type === "State") process.stderr.write(`${e.at} ${e.cycle} ${e.state}\n`);
            if (e.type === "Message") process.stderr.write(`${e.at} ${e.message}\n`);
            // Every state transition is kept, in order, so a killed run resumes where it stopped.
            if (e.type === "Status")
              saving = saving.then(() => saveStatus(statusPath, replication, e.status));
          },
          options: { ...(opts.force === true ? { force: true } : {}) },
        };
        let status = Object.keys(sizes).length > 0 ? await resizeGroup({ ...common, sizes }) : undefined;
        if (status?.resize === undefined) {
          status = await replicateGroup({ ...common, ...(status === undefined ? {} : { status }) });
        }
        await saving;
        await saveStatus(statusPath, replication, status);
        if (opts.output === "yaml") process.stdout.write(stringify({ status }));
        else process.stdout.write(`${summary(replication, status)}\nstatus written to ${statusPath}\n`);
        setExit(status.phase === "Failed" || status.phase === "Blocked" ? 1 : 0);
      } catch (e) {
        process.stderr.write(`ferry replicate: ${errorMessage(e)}\n`);
        setExit(isFerryError(e, "Usage") ? 2 : 1);
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
};

function parseSizes(values: readonly string[]): Record<string, string> {
  const sizes: Record<string, string> = {};
  for (const value of values) {
    const [claim, size] = value.split("=", 2);
    if (claim === undefined || claim === "" || size === undefined || size === "") {
      throw new FerryError("Usage", `--resize ${value}: expected <claim>=<size>, e.g. data-pg-0=20Gi`);
    }
    sizes[claim] = size;
  }
  return sizes;
}

function summary(replication: VolumeReplication, s: VolumeReplicationStatus): string {
  const lines = [
    `volumereplication ${replication.metadata.namespace}/${replication.metadata.name}: ${s.phase} (${s.role.source} → ${s.role.target})`,
  ];
  if (s.lastCycle !== undefined) {
    lines.push(
      `  last cycle ${s.lastCycle.id}: ${s.lastCycle.result} at ${s.lastCycle.state}, ${s.lastCycle.bytesSent} bytes sent, ${s.lastCycle.bytesRead} read${s.lastCycle.snapshotsForgotten === undefined ? "" : `, ${s.lastCycle.snapshotsForgotten} older snapshots forgotten`}${s.lastCycle.message === undefined ? "" : ` — ${s.lastCycle.message}`}`,
    );
  }
  if (s.lastConsistent !== undefined) {
    lines.push(
      `  last consistent copy: ${s.lastConsistent.time}${s.lagSeconds === undefined ? "" : `, lag ${s.lagSeconds}s`}${s.rpoSeconds === undefined ? "" : ` (RPO ${s.rpoSeconds}s)`}`,
    );
  }
  for (const c of s.conditions.filter((c) => c.status !== "True"))
    lines.push(`  ${c.type}: ${c.reason} — ${c.message}`);
  for (const p of s.prechecks?.filter((p) => p.verdict !== "compatible") ?? [])
    lines.push(`  ${p.verdict}: ${p.message}`);
  if (s.failoverProposal !== undefined) lines.push(`  failover proposed: ${s.failoverProposal.reason}`);
  return lines.join("\n");
}

async function readStatus(path: string): Promise<VolumeReplicationStatus | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  const doc = parse(text) as { status?: VolumeReplicationStatus } | null;
  return doc?.status;
}

async function saveStatus(
  path: string,
  replication: VolumeReplication,
  status: VolumeReplicationStatus,
): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  const doc = {
    apiVersion: replication.apiVersion,
    kind: "VolumeReplication",
    metadata: replication.metadata,
    status,
  };
  await writeFile(path, stringify(doc));
}

interface Loaded {
  readonly replication: VolumeReplication;
  readonly file: string;
  readonly clusters: ReadonlyMap<string, Cluster>;
  readonly repositories: ReadonlyMap<string, ReplicationRepository>;
  readonly groups: ReadonlyMap<string, VolumeGroup>;
  readonly policies: ReadonlyMap<string, SchedulePolicy>;
}

async function load(file: string, repoDir: string): Promise<Loaded> {
  const { shown, validator, objects, errors } = await readManifestFile(file, repoDir);
  if (errors.length > 0) throw new FerryError("Invalid", errors.map(textLine).join("\n"));
  const replications = objects.flatMap((o) => (o.manifest.kind === "VolumeReplication" ? [o.manifest] : []));
  const [replication] = replications;
  if (replication === undefined)
    throw new FerryError("Invalid", `${shown}: no VolumeReplication in the file`);
  if (replications.length > 1)
    throw new FerryError(
      "Invalid",
      `${shown}: ${replications.length} VolumeReplications in the file; give one per file`,
    );
  const inRepo = await repoObjects(repoDir, validator);
  const clusters = new Map<string, Cluster>();
  const repositories = new Map<string, ReplicationRepository>();
  const groups = new Map<string, VolumeGroup>();
  const policies = new Map<string, SchedulePolicy>();
  for (const { manifest: m } of [...inRepo, ...objects]) {
    if (m.kind === "Cluster") clusters.set(m.metadata.name, m);
    if (m.kind === "ReplicationRepository") repositories.set(m.metadata.name, m);
    if (m.kind === "SchedulePolicy") policies.set(m.metadata.name, m);
    if (m.kind === "VolumeGroup" && m.metadata.namespace === replication.metadata.namespace)
      groups.set(m.metadata.name, m);
  }
  return { replication, file: shown, clusters, repositories, groups, policies };
}
