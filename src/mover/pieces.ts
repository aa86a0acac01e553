import type { Cutter } from "./chunker.js";
import { isAllZero } from "./zero.js";

/**
 * Zero runs of at least this many bytes (checked in windows of this size from the chunk
 * start) end a chunk and become holes: they are neither hashed nor stored, and restore
 * leaves them unwritten, so a sparse file comes back sparse.
 */
export const HOLE_WINDOW = 64 * 1024;

/** The next piece of a file at `start`: a hole of that many zero bytes, or a chunk of that length. */
export type Piece = { readonly hole: number } | { readonly chunk: number };

/**
 * Splits the bytes `buf[start, end)` of a file: a run of whole zero windows is a hole,
 * anything else a content-defined chunk cut short where a zero window begins. Returns
 * undefined when more of the file is needed first: unless `eof`, a cut needs `maxSize`
 * bytes ahead of it, so chunks do not depend on how the file was read.
 */
export function nextPiece(
  cutter: Cutter,
  buf: Uint8Array,
  start: number,
  end: number,
  eof: boolean,
): Piece | undefined {
  if (start >= end) return undefined;
  if (!eof && end - start < cutter.params.maxSize) return undefined;
  const hole = zeroRun(buf, start, end);
  if (hole > 0) return { hole };
  return { chunk: untilZeroRun(buf, start, cutter.cut(buf, start, end - start)) };
}

/** Length of the run of whole zero windows at `start` (0 when the first window has data). */
function zeroRun(buf: Uint8Array, start: number, end: number): number {
  let at = start;
  while (at + HOLE_WINDOW <= end && isAllZero(buf.subarray(at, at + HOLE_WINDOW))) at += HOLE_WINDOW;
  return at - start;
}

/** Shortens a chunk so that it stops where a whole zero window begins. */
function untilZeroRun(buf: Uint8Array, start: number, length: number): number {
  for (let at = start + HOLE_WINDOW; at + HOLE_WINDOW <= start + length; at += HOLE_WINDOW) {
    if (isAllZero(buf.subarray(at, at + HOLE_WINDOW))) return at - start;
  }
  return length;
}
