/**
 * The bytes of a pack being filled. Blobs are copied in once (straight from the reader's
 * buffer when they are neither compressed nor sealed) and the buffer is recycled after its
 * upload, so a backup allocates a handful of pack-sized buffers in all instead of one
 * buffer per chunk plus a concatenated copy per pack.
 */
export class PackBuffer {
  private bytes: Buffer;
  size = 0;

  /** `limit`: the size a full pack reaches; growth stops there unless one blob needs more. */
  constructor(
    private readonly limit: number,
    initial = 64 * 1024,
  ) {
    this.bytes = Buffer.allocUnsafe(Math.min(initial, limit));
  }

  get capacity(): number {
    return this.bytes.length;
  }

  /** Appends `data`, growing the buffer (doubling) when needed. */
  append(data: Uint8Array): void {
    this.reserve(data.byteLength);
    this.bytes.set(data, this.size);
    this.size += data.byteLength;
  }

  /** Appends `source[start, end)` (copied straight from the source: no view is made). */
  appendFrom(source: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    this.size += source.copy(this.bytes, this.size, start, end);
  }

  /** The bytes written so far (a view: valid until the buffer is reset). */
  view(): Buffer {
    return this.bytes.subarray(0, this.size);
  }

  reset(): void {
    this.size = 0;
  }

  private reserve(extra: number): void {
    const needed = this.size + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    if (needed <= this.limit) capacity = Math.min(capacity, this.limit);
    const grown = Buffer.allocUnsafe(capacity);
    this.bytes.copy(grown, 0, 0, this.size);
    this.bytes = grown;
  }
}
