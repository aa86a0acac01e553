/**
 * A read worker's buffers: what the main thread hands back is kept (a few, the largest) and
 * read into again, so a backup allocates a handful of batch buffers rather than one per batch.
 */
export class BufferPool {
  private readonly spare: ArrayBuffer[] = [];

  constructor(private readonly keep: number) {}

  /**
   * A buffer exactly `size` long over an ArrayBuffer of its own (to be transferred), recycled
   * when one is big enough. Always a Buffer: the chunker's loop stays monomorphic (a mix of
   * Buffers and plain Uint8Arrays makes V8 run it several times slower).
   */
  take(size: number): Buffer {
    const i = this.spare.findIndex((b) => b.byteLength >= size);
    if (i >= 0) return Buffer.from(this.spare.splice(i, 1)[0]!, 0, size);
    return Buffer.allocUnsafeSlow(Math.max(size, 64 * 1024)).subarray(0, size);
  }

  /** Takes a buffer `min` long holding `buf[0, used)`, and recycles `buf`. */
  grow(buf: Buffer, used: number, min: number): Buffer {
    const grown = this.take(Math.max(buf.length * 2, min));
    grown.set(buf.subarray(0, used));
    this.recycle(buf.buffer as ArrayBuffer);
    return grown;
  }

  recycle(buffer: ArrayBuffer): void {
    if (this.spare.length < this.keep) {
      this.spare.push(buffer);
      return;
    }
    this.spare.sort((a, b) => a.byteLength - b.byteLength);
    if (this.spare[0]!.byteLength < buffer.byteLength) this.spare[0] = buffer;
  }
}
