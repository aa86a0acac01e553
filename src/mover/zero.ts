const ZEROS = new Uint8Array(64 * 1024);

/** True when every byte of `data` is zero (memcmp against a zero page, 64 KiB at a time). */
export function isAllZero(data: Uint8Array): boolean {
  const n = data.byteLength;
  if (n === 0) return true;
  if (data[0] !== 0 || data[n - 1] !== 0 || data[n >> 1] !== 0) return false;
  const buf = Buffer.from(data.buffer, data.byteOffset, n);
  for (let at = 0; at < n; at += ZEROS.byteLength) {
    const end = Math.min(n, at + ZEROS.byteLength);
    if (buf.compare(ZEROS, 0, end - at, at, end) !== 0) return false;
  }
  return true;
}

/**
 * The non-zero stretches of `data`, in `block`-aligned units (file offsets are
 * `base + start`): restore writes only these, so zero blocks stay holes in a file that was
 * extended with ftruncate, and a restored sparse file is sparse again.
 */
export function dataRuns(data: Uint8Array, base: number, block = 4096): [number, number][] {
  const runs: [number, number][] = [];
  const n = data.byteLength;
  let at = 0;
  let runStart = -1;
  while (at < n) {
    // Align to the file's block grid so holes can be whole blocks.
    const end = Math.min(n, at + block - ((base + at) % block));
    const zero = isAllZero(data.subarray(at, end));
    if (!zero && runStart < 0) runStart = at;
    if (zero && runStart >= 0) {
      runs.push([runStart, at]);
      runStart = -1;
    }
    at = end;
  }
  if (runStart >= 0) runs.push([runStart, n]);
  return runs;
}
