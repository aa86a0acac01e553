import { open } from "node:fs/promises";
import type { Cutter } from "./chunker.js";
import { isAllZero } from "./zero.js";

/**
 * Zero runs of at least this many bytes (checked in windows of this size from the chunk
 * start) end a chunk and become holes: they are neither hashed nor stored, and restore
 * leaves them unwritten, so a sparse file comes back sparse.
 */
export const HOLE_WINDOW = 64 * 1024;

/**
 * Reads a file through one bounded buffer (max chunk size + `readSize`) and calls `onChunk`
 * for each content-defined chunk in order, one at a time. The chunk is a view into the
 * buffer, valid only until `onChunk`'s promise resolves: the callback copies what it keeps,
 * and awaiting it is the back-pressure that pauses reading. The next cut point is searched
 * while the previous chunk is being processed (while its pack uploads, say); the buffer is
 * only refilled once that chunk is done with. Returns the bytes read.
 */
export async function forEachChunk(
  path: string,
  cutter: Cutter,
  onChunk: (chunk: Uint8Array | number) => Promise<void>,
  readSize = 1024 * 1024,
): Promise<number> {
  const { maxSize } = cutter.params;
  const buf = Buffer.allocUnsafe(maxSize + readSize);
  const handle = await open(path, "r");
  let total = 0;
  try {
    let start = 0;
    let end = 0;
    let eof = false;
    let pending: Promise<void> | undefined;
    for (;;) {
      if (!eof && end - start < maxSize) {
        await pending; // the previous chunk's view must not be overwritten
        pending = undefined;
        if (start > 0) {
          buf.copyWithin(0, start, end);
          end -= start;
          start = 0;
        }
        while (end < buf.length && !eof) {
          const { bytesRead } = await handle.read(buf, end, buf.length - end, null);
          if (bytesRead === 0) eof = true;
          end += bytesRead;
          total += bytesRead;
        }
      }
      if (start === end) break;
      const hole = zeroRun(buf, start, end);
      if (hole > 0) {
        await pending;
        pending = onChunk(hole);
        start += hole;
        continue;
      }
      const length = untilZeroRun(buf, start, cutter.cut(buf, start, end - start));
      const chunk = buf.subarray(start, start + length);
      await pending;
      pending = onChunk(chunk);
      start += length;
    }
    await pending;
  } finally {
    await handle.close();
  }
  return total;
}

/** Length of the run of whole zero windows at `start` (0 when the first window has data). */
function zeroRun(buf: Buffer, start: number, end: number): number {
  let at = start;
  while (at + HOLE_WINDOW <= end && isAllZero(buf.subarray(at, at + HOLE_WINDOW))) at += HOLE_WINDOW;
  return at - start;
}

/** Shortens a chunk so that it stops where a whole zero window begins. */
function untilZeroRun(buf: Buffer, start: number, length: number): number {
  for (let at = start + HOLE_WINDOW; at + HOLE_WINDOW <= start + length; at += HOLE_WINDOW) {
    if (isAllZero(buf.subarray(at, at + HOLE_WINDOW))) return at - start;
  }
  return length;
}
