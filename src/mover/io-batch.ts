import pLimit from "p-limit";

/**
 * Independent filesystem calls run a few dozen at a time instead of one after the other: each
 * call is a round trip through libuv's thread pool, and a restore of 100,000 small files makes
 * six of them per file. `add` waits only when many are pending (memory stays bounded); `flush`
 * waits for all of them and throws the first failure.
 */
export class IoBatch {
  private readonly limit;
  private pending: Promise<void>[] = [];
  private failure: { readonly error: unknown } | undefined;

  constructor(
    concurrency: number,
    private readonly backlog = 1024,
  ) {
    this.limit = pLimit(concurrency);
  }

  async add(task: () => Promise<void>): Promise<void> {
    if (this.failure !== undefined) throw this.failure.error;
    this.pending.push(
      this.limit(task).catch((error: unknown) => {
        this.failure ??= { error };
      }),
    );
    if (this.pending.length >= this.backlog) await this.flush();
  }

  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
    if (this.failure !== undefined) throw this.failure.error;
  }
}
