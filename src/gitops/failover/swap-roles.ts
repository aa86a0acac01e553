import { isMap, isScalar, parseAllDocuments } from "yaml";
import type { Document, Node, Scalar, YAMLMap } from "yaml";
import { FerryError } from "../../core/errors.js";
import { err, ok } from "../../core/result.js";
import type { Result } from "../../core/result.js";

export interface SwapRolesRequest {
  /** The manifest file's text. */
  readonly text: string;
  /** For messages: the file's path in the repo. */
  readonly file: string;
  readonly name: string;
  /** Required when several VolumeReplications of that name live in the file. */
  readonly namespace?: string;
}

export interface SwapRolesOutcome {
  readonly text: string;
  /** The roles after the swap. */
  readonly source: { readonly cluster: string; readonly volumeGroup: string };
  readonly target: { readonly cluster: string; readonly volumeGroup: string };
}

export interface SwapProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const ENDPOINT_FIELDS = ["cluster", "volumeGroup"] as const;

/**
 * Swaps `spec.source` and `spec.target` of the VolumeReplication `name` (failover and failback)
 * and inverts `spec.pvcMap`, which maps source PVCs to target PVCs. The edit is made on the
 * parsed document's nodes and spliced into the original text by their source ranges, so
 * comments, quoting, flow or block style and every other line stay exactly as they were.
 */
export function swapVolumeReplicationRoles(request: SwapRolesRequest): Result<SwapRolesOutcome, SwapProblem> {
  const { text, file } = request;
  const lineOf = (offset: number): number => text.slice(0, offset).split("\n").length;
  const problem = (offset: number, message: string) => err({ file, line: lineOf(offset), message });
  const matches = parseAllDocuments(text).filter((doc): doc is Document.Parsed => {
    if (!("contents" in doc) || doc.errors.length > 0) return false;
    return (
      doc.get("kind") === "VolumeReplication" &&
      doc.getIn(["metadata", "name"]) === request.name &&
      (request.namespace === undefined || doc.getIn(["metadata", "namespace"]) === request.namespace)
    );
  });
  if (matches.length === 0) return problem(0, `no VolumeReplication ${request.name} in ${file}`);
  if (matches.length > 1)
    return problem(
      matches[1]?.contents?.range?.[0] ?? 0,
      `several VolumeReplications named ${request.name} in ${file}: give the namespace`,
    );
  const doc = matches[0] as Document.Parsed;

  const edits: { start: number; end: number; text: string }[] = [];
  const swapText = (a: Scalar, b: Scalar): void => {
    const [aStart, aEnd] = rangeOf(a);
    const [bStart, bEnd] = rangeOf(b);
    edits.push({ start: aStart, end: aEnd, text: text.slice(bStart, bEnd) });
    edits.push({ start: bStart, end: bEnd, text: text.slice(aStart, aEnd) });
  };

  const source = doc.getIn(["spec", "source"], true);
  const target = doc.getIn(["spec", "target"], true);
  if (!isMap(source) || !isMap(target)) {
    const at = (doc.getIn(["spec"], true) as Node | undefined)?.range?.[0] ?? doc.range[0];
    return problem(at, `VolumeReplication ${request.name} needs spec.source and spec.target maps`);
  }
  for (const field of ENDPOINT_FIELDS) {
    const a = source.get(field, true);
    const b = target.get(field, true);
    if (!isScalar(a) || !isScalar(b)) {
      return problem(
        rangeOf(source)[0],
        `VolumeReplication ${request.name} needs spec.source.${field} and spec.target.${field}`,
      );
    }
    swapText(a, b);
  }
  const pvcMap = doc.getIn(["spec", "pvcMap"], true);
  if (pvcMap !== undefined) {
    if (!isMap(pvcMap)) return problem(doc.range[0], `spec.pvcMap of ${request.name} is not a map`);
    for (const pair of pvcMap.items) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) {
        return problem(rangeOf(pvcMap)[0], `spec.pvcMap of ${request.name} must map PVC names to PVC names`);
      }
      swapText(pair.key, pair.value);
    }
  }

  let out = text;
  for (const edit of edits.sort((x, y) => y.start - x.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  const endpoint = (node: YAMLMap) => ({
    cluster: String(node.get("cluster")),
    volumeGroup: String(node.get("volumeGroup")),
  });
  return ok({ text: out, source: endpoint(target), target: endpoint(source) });
}

/** A node's value range in the original text ([start, end) of the value, without trailing comments). */
function rangeOf(node: Node): [number, number] {
  const range = node.range;
  if (range === undefined || range === null)
    throw new FerryError("Internal", "a parsed YAML node has no source range");
  return [range[0], range[1]];
}
