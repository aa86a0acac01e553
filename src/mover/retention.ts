import { err, ok, type Result } from "../core/result.js";

/**
 * Which snapshots `ferry mover forget` keeps, as plain data. Snapshots are grouped by their
 * source and the values of the `groupBy` tag keys; within a group the rules are applied
 * newest first (restic's semantics):
 *
 * - `keepLast`: the newest N snapshots;
 * - `keepWithinMs`: every snapshot at most this long before the group's newest one (relative
 *   to the newest, not to now, so a repository that stops receiving backups keeps its data).
 *
 * A snapshot is kept when any rule keeps it; so the newest snapshot of every group is always
 * kept. Snapshots that do not carry every tag of `tags` are not considered at all.
 */
export interface RetentionPolicy {
  readonly keepLast?: number;
  readonly keepWithinMs?: number;
  /** Only snapshots carrying all of these tags are candidates; the others are left alone. */
  readonly tags: Readonly<Record<string, string>>;
  /** Tag keys whose values, with the snapshot's source, identify one history (one volume). */
  readonly groupBy: readonly string[];
  /**
   * Group by the tags alone, not by the snapshot's source path: for callers whose tags already
   * name the volume and whose mount path differs between runs (a Job's claim on a local cluster).
   */
  readonly ignoreSource?: boolean;
}

/**
 * The tags Ferry itself uses to name a volume's history: `replication` + `pvc` (replication
 * cycles, docs/volumes.md) and `backup` + `claim` (migrations). `cycle` is not among them: it
 * differs on every snapshot.
 */
export const DEFAULT_GROUP_BY: readonly string[] = ["replication", "pvc", "backup", "claim"];

/** What retention needs of a snapshot. */
export interface SnapshotFacts {
  readonly id: string;
  readonly time: string;
  readonly source: string;
  readonly tags: Readonly<Record<string, string>>;
}

export type KeepReason = "last" | "within";

export interface RetentionDecision {
  readonly keep: readonly { readonly id: string; readonly group: string; readonly reasons: KeepReason[] }[];
  readonly forget: readonly { readonly id: string; readonly group: string }[];
  /** Snapshots that did not match `tags` and were not considered. */
  readonly untouched: number;
}

/** Decides which snapshots to keep and which to forget; pure. */
export function applyRetention(
  snapshots: readonly SnapshotFacts[],
  policy: RetentionPolicy,
): RetentionDecision {
  const groups = new Map<string, SnapshotFacts[]>();
  let untouched = 0;
  for (const s of snapshots) {
    if (!Object.entries(policy.tags).every(([k, v]) => s.tags[k] === v)) {
      untouched += 1;
      continue;
    }
    const group = groupKey(s, policy.groupBy, policy.ignoreSource === true);
    const members = groups.get(group);
    if (members === undefined) groups.set(group, [s]);
    else members.push(s);
  }
  const keep: { id: string; group: string; reasons: KeepReason[] }[] = [];
  const forget: { id: string; group: string }[] = [];
  for (const [group, members] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const newestFirst = [...members].sort(newerFirst);
    const newest = Date.parse(newestFirst[0]?.time ?? "");
    newestFirst.forEach((s, i) => {
      const reasons: KeepReason[] = [];
      if (policy.keepLast !== undefined && i < policy.keepLast) reasons.push("last");
      if (policy.keepWithinMs !== undefined && newest - Date.parse(s.time) <= policy.keepWithinMs)
        reasons.push("within");
      if (reasons.length > 0) keep.push({ id: s.id, group, reasons });
      else forget.push({ id: s.id, group });
    });
  }
  return { keep, forget, untouched };
}

/** A readable group name: `source` (unless ignored) then `key=value` for each group-by tag the snapshot has. */
function groupKey(s: SnapshotFacts, groupBy: readonly string[], ignoreSource: boolean): string {
  const tags = groupBy.filter((k) => s.tags[k] !== undefined).map((k) => `${k}=${s.tags[k] ?? ""}`);
  return [...(ignoreSource ? [] : [s.source]), ...tags].join(" ");
}

/** Newest first; equal times (or unparseable ones, last) in id order, so the result is stable. */
function newerFirst(a: SnapshotFacts, b: SnapshotFacts): number {
  const ta = Date.parse(a.time);
  const tb = Date.parse(b.time);
  const byTime = (Number.isNaN(tb) ? -Infinity : tb) - (Number.isNaN(ta) ? -Infinity : ta);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The raw policy options of the CLI. */
export interface RetentionInput {
  readonly keepLast?: string | undefined;
  readonly keepWithin?: string | undefined;
  readonly tags?: readonly string[];
  readonly groupBy?: string | undefined;
  readonly ignoreSource?: boolean | undefined;
}

/** Validates forget's options, reporting every problem at once. */
export function retentionPolicyOf(input: RetentionInput): Result<RetentionPolicy, string[]> {
  const problems: string[] = [];
  let keepLast: number | undefined;
  if (input.keepLast !== undefined) {
    keepLast = Number(input.keepLast);
    if (!/^\d+$/.test(input.keepLast) || keepLast < 1)
      problems.push(
        `--keep-last must be a whole number of at least 1, not ${JSON.stringify(input.keepLast)}`,
      );
  }
  let keepWithinMs: number | undefined;
  if (input.keepWithin !== undefined) {
    const parsed = parseDuration(input.keepWithin);
    if (parsed.ok) keepWithinMs = parsed.value;
    else problems.push(`--keep-within: ${parsed.error}`);
  }
  if (input.keepLast === undefined && input.keepWithin === undefined)
    problems.push("give at least one of --keep-last and --keep-within (forget never removes everything)");
  const tags: Record<string, string> = {};
  for (const t of input.tags ?? []) {
    const eq = t.indexOf("=");
    if (eq <= 0) problems.push(`--tag ${JSON.stringify(t)} is not key=value`);
    else tags[t.slice(0, eq)] = t.slice(eq + 1);
  }
  const groupBy =
    input.groupBy === undefined
      ? DEFAULT_GROUP_BY
      : input.groupBy
          .split(",")
          .map((k) => k.trim())
          .filter((k) => k !== "");
  if (problems.length > 0) return err(problems);
  return ok({
    ...(keepLast === undefined ? {} : { keepLast }),
    ...(keepWithinMs === undefined ? {} : { keepWithinMs }),
    tags,
    groupBy,
    ...(input.ignoreSource === true ? { ignoreSource: true } : {}),
  });
}

const UNIT_MS: Readonly<Record<string, number>> = {
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * Parses `7d`, `36h`, `2w`, `1y2w3d`… (units y = 365 days, w, d, h). Minutes and months are
 * refused: restic reads `m` as months, and guessing wrong here deletes snapshots.
 */
export function parseDuration(text: string): Result<number, string> {
  if (!/^(\d+[ywdh])+$/.test(text))
    return err(`${JSON.stringify(text)} is not a duration such as 7d, 36h, 2w or 1y (units: y, w, d, h)`);
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([ywdh])/g)) ms += Number(n) * (UNIT_MS[unit ?? ""] ?? 0);
  return ok(ms);
}
