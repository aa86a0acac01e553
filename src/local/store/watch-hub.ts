import { ApiError } from "../errors.js";
import type { StoreEvent } from "./store-types.js";

interface Subscriber {
  key: string | undefined;
  handler: (event: StoreEvent) => void;
  closed: boolean;
}

const HISTORY = 50_000;

/**
 * The store's watch fan-out: a bounded history of changes and the subscribers they are
 * delivered to. Delivery is batched on `setImmediate`, so a write returns before any watcher
 * runs and events reach each watcher in order.
 */
export class WatchHub {
  private history: StoreEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private pending: { sub: Subscriber; event: StoreEvent }[] = [];
  private draining = false;

  /** `floor`: the oldest resourceVersion a watch can resume from (older ones are 410 Gone). */
  constructor(private floor: number) {}

  /** Keeps `event` in the history and queues it for every subscriber of its key. */
  record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY * 2) {
      const dropped = this.history.splice(0, this.history.length - HISTORY);
      this.floor = dropped[dropped.length - 1]?.rv ?? this.floor;
    }
    for (const sub of this.subscribers)
      if (sub.key === undefined || sub.key === event.key) this.pending.push({ sub, event });
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.draining || this.pending.length === 0) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      const batch = this.pending;
      this.pending = [];
      for (const { sub, event } of batch) if (!sub.closed) sub.handler(event);
      this.scheduleDrain();
    });
  }

  /**
   * Calls `handler` for every change of `key` (all when undefined) after `fromRv`, replaying
   * history newer than it when it is older than `currentRv`; see `ClusterStore.subscribe`.
   */
  subscribe(
    key: string | undefined,
    from: { fromRv: number | undefined; currentRv: number },
    handler: (event: StoreEvent) => void,
  ): () => void {
    const sub: Subscriber = { key, handler, closed: false };
    const { fromRv } = from;
    if (fromRv !== undefined && fromRv < from.currentRv) {
      if (fromRv < this.floor) {
        throw new ApiError(410, "Expired", `too old resource version: ${fromRv} (${this.floor + 1})`);
      }
      for (const event of this.history) {
        if (event.rv > fromRv && (key === undefined || event.key === key)) this.pending.push({ sub, event });
      }
      this.scheduleDrain();
    }
    this.subscribers.add(sub);
    return () => {
      sub.closed = true;
      this.subscribers.delete(sub);
    };
  }

  /** Ends every subscription; nothing more is delivered. */
  close(): void {
    for (const sub of this.subscribers) sub.closed = true;
    this.subscribers.clear();
  }
}
