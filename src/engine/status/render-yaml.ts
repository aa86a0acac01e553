/**
 * Status as YAML for the status branch in Git. The output must be byte-for-byte the same for
 * the same status whatever order its keys were built in — otherwise every reconcile would
 * commit a reshuffled file — so keys are ordered by a fixed priority list, then
 * alphabetically; lines are never folded.
 */
import { stringify } from "yaml";
import { isRecord } from "../kube-object.js";

/** Keys that read best first, in this order; other keys follow alphabetically. */
const KEY_ORDER: readonly string[] = [
  "apiVersion",
  "kind",
  "metadata",
  "name",
  "namespace",
  "spec",
  "status",
  "phase",
  "message",
  "startTimestamp",
  "completionTimestamp",
  "conditions",
  "type",
  "reason",
  "lastTransitionTime",
  "prechecks",
  "compatible",
  "actionable",
  "incompatible",
  "results",
  "check",
  "target",
  "subject",
  "verdict",
  "remediation",
  "description",
  "manifestChange",
  "liveFix",
  "sourceClusterStatus",
  "targetClusterStatus",
  "cluster",
  "backup",
  "restore",
  "id",
  "objects",
  "bytes",
  "itemsTotal",
  "counts",
  "created",
  "updated",
  "unchanged",
  "skipped",
  "failed",
  "errors",
  "omittedErrors",
  "object",
  "error",
  "progress",
  "itemsDone",
  "bytesDone",
  "history",
  "interval",
  "daily",
  "weekly",
  "monthly",
  "cron",
  "creationTimestamp",
  "finishTimestamp",
];
const RANK: ReadonlyMap<string, number> = new Map(KEY_ORDER.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const ra = RANK.get(a) ?? Number.MAX_SAFE_INTEGER;
  const rb = RANK.get(b) ?? Number.MAX_SAFE_INTEGER;
  return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
}

/** A copy with every object's keys in canonical order and undefined values dropped. */
export function canonicalOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalOrder);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort(compareKeys)
      .map((k) => [k, canonicalOrder(value[k])]),
  );
}

/** The status (or a whole status document) as deterministic YAML. */
export function renderStatusYaml(status: unknown): string {
  return stringify(canonicalOrder(status), {
    lineWidth: 0,
    sortMapEntries: false,
    aliasDuplicateObjects: false,
  });
}
