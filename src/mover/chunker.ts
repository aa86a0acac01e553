import { FerryError } from "../core/errors.js";

/** Sizes of content-defined chunks, in bytes. */
export interface ChunkerParams {
  readonly minSize: number;
  readonly avgSize: number;
  readonly maxSize: number;
}

/**
 * 128 KiB – 2 MiB, about 512 KiB on average: half restic's average, so a change inside a large
 * file re-sends about half as many unchanged bytes around it (the chunks it straddles), for
 * twice as many index entries (about 2,000 per GiB).
 */
export const defaultChunkerParams: ChunkerParams = {
  minSize: 128 * 1024,
  avgSize: 512 * 1024,
  maxSize: 2 * 1024 * 1024,
};

/** A FastCDC cutter bound to a gear table and chunk sizes. */
export interface Cutter {
  readonly params: ChunkerParams;
  /**
   * Length of the chunk starting at `start`: `data[start, start + available)` must hold at
   * least `maxSize` bytes unless it is the end of the stream.
   */
  cut(data: Uint8Array, start: number, available: number): number;
}

/**
 * FastCDC with normalised chunking (level 2, Xia et al. 2016): a gear hash over the bytes
 * after `minSize`, a stricter mask (two more bits) before the average size and a looser one
 * (two fewer) after it, which narrows the size distribution around the average. The hash is
 * 32-bit and shifts left each byte, so its top bits depend on the last 32 bytes only: a cut
 * point moves with the content around it, which keeps chunks stable under insertions.
 */
export function fastCdc(gear: Int32Array, params: ChunkerParams = defaultChunkerParams): Cutter {
  const { minSize, avgSize, maxSize } = params;
  if (!(minSize > 0 && minSize < avgSize && avgSize < maxSize)) {
    throw new FerryError(
      "Invalid",
      `chunk sizes must satisfy 0 < min < avg < max (got ${minSize}/${avgSize}/${maxSize})`,
    );
  }
  const bits = Math.round(Math.log2(avgSize));
  // Masks on the top bits: those mix the most recent 32 bytes.
  const maskS = topBits(bits + 2);
  const maskL = topBits(bits - 2);
  return {
    params,
    cut(data, start, available) {
      if (available <= minSize) return available;
      const limit = start + Math.min(available, maxSize);
      const normal = start + Math.min(available, avgSize);
      let h = 0;
      let i = start + minSize;
      for (; i < normal; i++) {
        h = ((h << 1) + gear[data[i]!]!) | 0;
        if ((h & maskS) === 0) return i + 1 - start;
      }
      for (; i < limit; i++) {
        h = ((h << 1) + gear[data[i]!]!) | 0;
        if ((h & maskL) === 0) return i + 1 - start;
      }
      return limit - start;
    },
  };
}

function topBits(n: number): number {
  return n >= 32 ? -1 : (~0 << (32 - n)) | 0;
}
