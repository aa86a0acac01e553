/**
 * A counting semaphore over bytes: reading waits while too many chunk bytes are being
 * hashed, encrypted or queued, which bounds memory whatever the size of the source. A
 * request larger than the whole budget is let through alone.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiters: { readonly bytes: number; readonly resolve: () => void }[] = [];

  constructor(private readonly limit: number) {}

  async acquire(bytes: number): Promise<void> {
    if (this.waiters.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push({ bytes, resolve }));
  }

  release(bytes: number): void {
    this.used -= bytes;
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.bytes)) {
      const next = this.waiters.shift()!;
      this.used += next.bytes;
      next.resolve();
    }
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }
}
