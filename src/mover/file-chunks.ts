import { open } from "node:fs/promises";
import type { Cutter } from "./chunker.js";

/**
 * Reads a file through one bounded buffer (max chunk size + `readSize`) and calls `onChunk`
 * for each content-defined chunk in order, one at a time. The chunk is a view into the
 * buffer, valid only until `onChunk`'s promise resolves: the callback copies what it keeps,
 * and awaiting it is the back-pressure that pauses reading. The next cut point is searched
 * while the previous chunk is being processed (hashing runs on the thread pool); the buffer
 * is only refilled once that chunk is done with. Returns the bytes read.
 */
export async function forEachChunk(
  path: string,
  cutter: Cutter,
  onChunk: (chunk: Uint8Array) => Promise<void>,
  readSize = 4 * 1024 * 1024,
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
      const length = cutter.cut(buf, start, end - start);
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
