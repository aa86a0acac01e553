import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { FerryError } from "../../core/errors.js";
import { forget, type ForgetReport } from "../../mover/forget.js";
import { acquireMoverLock } from "../../mover/lock.js";
import { prune, type PruneReport } from "../../mover/prune.js";
import { parseMaxUnused } from "../../mover/prune-plan.js";
import { DEFAULT_GROUP_BY, retentionPolicyOf } from "../../mover/retention.js";
import { collect, KEY_ENV, mib, runCommand, type RepoFlags } from "./mover.js";

const REPO_HELP = "repository: a path, file:// URL or s3://bucket/prefix?endpoint=…";

/** `ferry mover forget` and `ferry mover prune`: retention for the mover's repository. */
export function registerMoverMaintenance(mover: Command, setExit: (code: number) => void): void {
  mover
    .command("forget")
    .description("delete the snapshots a retention policy does not keep (their data stays until prune)")
    .option("--repo <location>", REPO_HELP)
    .option("--keep-last <n>", "keep the newest n snapshots of each group")
    .option(
      "--keep-within <duration>",
      "keep snapshots within this long of each group's newest (7d, 36h, 2w, 1y)",
    )
    .option(
      "--tag <key=value>",
      "consider only snapshots with this tag (repeatable)",
      collect,
      [] as string[],
    )
    .option(
      "--group-by <keys>",
      `tag keys that, with the source, make a group (default ${DEFAULT_GROUP_BY.join(",")})`,
    )
    .option("--ignore-source", "group by the tags alone, not also by the snapshot's source path")
    .option("--prune", "prune afterwards, holding the exclusive lock throughout")
    .option(
      "--max-unused <percent>",
      "with --prune: unused share of a pack left in place (or unlimited)",
      "5%",
    )
    .option("--dry-run", "report what would be removed, remove nothing")
    .option("--summary", "counts only, no list of snapshots (a Job's termination message holds 4 KiB)")
    .option("--key-file <path>", `file holding the repository key (default: $${KEY_ENV})`)
    .option("--json", "print the result as JSON")
    .action(
      async (
        flags: RepoFlags & {
          keepLast?: string;
          keepWithin?: string;
          tag: string[];
          groupBy?: string;
          ignoreSource?: boolean;
          prune?: boolean;
          maxUnused: string;
          dryRun?: boolean;
          summary?: boolean;
        },
      ) => {
        await runCommand("forget", flags, setExit, async (ctx) => {
          const policy = retentionPolicyOf({
            keepLast: flags.keepLast,
            keepWithin: flags.keepWithin,
            tags: flags.tag,
            groupBy: flags.groupBy,
            ignoreSource: flags.ignoreSource,
          });
          if (!policy.ok) throw new FerryError("Usage", policy.error.join("; "));
          const maxUnused = maxUnusedOf(flags.maxUnused);
          const dryRun = flags.dryRun === true;
          const { store, key } = ctx.opened;
          // With --prune the exclusive lock is taken before forgetting, so a failed lock changes nothing.
          const lock =
            flags.prune === true && !dryRun
              ? await acquireMoverLock({ store, kind: "prune", clock: systemClock })
              : undefined;
          try {
            const forgot = await forget({ store, key, policy: policy.value, dryRun });
            const pruned =
              flags.prune === true
                ? await prune({
                    store,
                    key,
                    clock: systemClock,
                    maxUnused,
                    dryRun,
                    signal: ctx.signal,
                    forgotten: new Set(forgot.removed.map((r) => r.id)),
                    ...(lock === undefined ? {} : { lock }),
                  })
                : undefined;
            const summary = flags.summary === true;
            return {
              json: { ...forgetJson(forgot, summary), ...(pruned === undefined ? {} : { prune: pruned }) },
              text: [forgetText(forgot, summary), ...(pruned === undefined ? [] : [pruneText(pruned)])].join(
                "\n",
              ),
            };
          } finally {
            await lock?.release();
          }
        });
      },
    );

  mover
    .command("prune")
    .description("delete packs no snapshot uses, repack mostly-unused ones and compact the index")
    .option("--repo <location>", REPO_HELP)
    .option("--max-unused <percent>", "unused share of a pack left in place (or unlimited)", "5%")
    .option("--dry-run", "report what would be removed, remove nothing")
    .option("--key-file <path>", `file holding the repository key (default: $${KEY_ENV})`)
    .option("--json", "print the result as JSON")
    .action(async (flags: RepoFlags & { maxUnused: string; dryRun?: boolean }) => {
      await runCommand("prune", flags, setExit, async (ctx) => {
        const report = await prune({
          store: ctx.opened.store,
          key: ctx.opened.key,
          clock: systemClock,
          maxUnused: maxUnusedOf(flags.maxUnused),
          dryRun: flags.dryRun === true,
          signal: ctx.signal,
        });
        return { json: { ...report }, text: pruneText(report) };
      });
    });
}

function maxUnusedOf(value: string): number {
  const fraction = parseMaxUnused(value);
  if (fraction === undefined)
    throw new FerryError(
      "Usage",
      `--max-unused must be a percentage 0–100 or unlimited, not ${JSON.stringify(value)}`,
    );
  return fraction;
}

/** The report with its counts; `summary` leaves the lists out. */
function forgetJson(r: ForgetReport, summary: boolean): Record<string, unknown> {
  const counts = { keptCount: r.kept.length, removedCount: r.removed.length };
  if (!summary) return { ...r, ...counts };
  return { dryRun: r.dryRun, ...counts, untouched: r.untouched };
}

function forgetText(r: ForgetReport, summary: boolean): string {
  const verb = r.dryRun ? "would remove" : "removed";
  const lines = summary ? [] : r.removed.map((s) => `${verb} ${s.id.slice(0, 12)}  ${s.time}  ${s.group}`);
  lines.push(
    `kept ${r.kept.length} snapshots, ${verb} ${r.removed.length}, ${r.untouched} not matching the tags`,
  );
  return lines.join("\n");
}

function pruneText(r: PruneReport): string {
  const verb = r.dryRun ? "would remove" : "removed";
  return (
    `prune: ${verb} ${r.packsRemoved} packs and repack ${r.packsRepacked} (${mib(r.bytesRemoved)} deleted, ` +
    `${mib(r.bytesWritten)} written); unused ${mib(r.unusedBytesBefore)} → ${mib(r.unusedBytesAfter)}; ` +
    `${r.packsUnindexed} unindexed packs left for the next backup to index`
  );
}
