import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { FieldPath } from "./types.js";

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * The position of a field inside a parsed YAML document: a scalar's value, or the key of a
 * collection (whose value starts on a later line). A path that leaves the document stops at
 * the nearest ancestor, so a missing field points at the mapping that lacks it.
 */
export function locateInDocument(doc: Document, lineCounter: LineCounter, path: FieldPath): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let keyOffset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      keyOffset = rangeStart(pair.key);
      next = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
      if (next === undefined) break;
    } else {
      break;
    }
    const valueOffset = isScalar(next) ? rangeStart(next) : undefined;
    offset = valueOffset ?? keyOffset ?? rangeStart(next) ?? offset;
    node = next;
  }
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range === undefined || range === null ? undefined : range[0];
}
