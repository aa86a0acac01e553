import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/core/logger.js";
import { checkpointQueue, type CheckpointPort } from "../../../src/gitops/executor/checkpoints.js";
import { durableChange } from "../../../src/volumes/durable.js";
import type { VolumeReplicationStatus } from "../../../src/volumes/types.js";

/** A hand-written CheckpointPort whose writes finish only when the test says so (a slow push). */
class SlowPort implements CheckpointPort {
  readonly writes: Record<string, string | null>[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failNext = false;
  private releases: (() => void)[] = [];

  async save(files: ReadonlyMap<string, string | null>): Promise<void> {
    this.writes.push(Object.fromEntries(files));
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((resolve) => this.releases.push(resolve));
    this.inFlight -= 1;
    if (this.failNext) {
      this.failNext = false;
      throw new Error("push rejected");
    }
  }

  /** Finishes the oldest write in flight and lets the queue go on. */
  async release(): Promise<void> {
    this.releases.shift()?.();
    await new Promise((r) => setImmediate(r));
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("checkpointQueue", () => {
  it("never waits for the port, writes one at a time and coalesces what comes meanwhile", async () => {
    const port = new SlowPort();
    const queue = checkpointQueue(port, { logger: silentLogger });
    queue.set("a.yaml", "a1");
    queue.set("b.yaml", "b1");
    await tick();
    expect(port.writes).toEqual([{ "a.yaml": "a1", "b.yaml": "b1" }]);
    // While that write hangs, three more changes: only the latest per path is written next.
    queue.set("a.yaml", "a2");
    queue.set("a.yaml", "a3");
    queue.set("c.yaml", "c1");
    await tick();
    expect(port.writes).toHaveLength(1);
    let settled = false;
    void queue.settled().then(() => (settled = true));
    await port.release();
    expect(port.writes[1]).toEqual({ "a.yaml": "a3", "c.yaml": "c1" });
    expect(settled).toBe(false);
    await port.release();
    await tick();
    expect(settled).toBe(true);
    expect(port.maxInFlight).toBe(1);
  });

  it("goes on after a failed write (the reconcile's own write carries the reports)", async () => {
    const port = new SlowPort();
    const queue = checkpointQueue(port, { logger: silentLogger });
    port.failNext = true;
    queue.set("a.yaml", "a1");
    await tick();
    queue.set("a.yaml", "a2");
    await port.release();
    expect(port.writes).toEqual([{ "a.yaml": "a1" }, { "a.yaml": "a2" }]);
    await port.release();
    await queue.settled();
  });

  it("starts no write once the reconcile is aborted (leadership lost or stopping)", async () => {
    const port = new SlowPort();
    const abort = new AbortController();
    const queue = checkpointQueue(port, { logger: silentLogger, signal: abort.signal });
    queue.set("a.yaml", "a1");
    await tick();
    queue.set("a.yaml", "a2");
    abort.abort();
    await port.release();
    await queue.settled();
    queue.set("a.yaml", "a3");
    await tick();
    await queue.settled();
    expect(port.writes).toEqual([{ "a.yaml": "a1" }]);
  });
});

describe("durableChange", () => {
  const base: VolumeReplicationStatus = {
    phase: "Idle",
    role: { source: "east-1", target: "west-1" },
    lagSeconds: 10,
    conditions: [
      { type: "WithinRPO", status: "True", reason: "LagWithinRPO", message: "10s", lastTransitionTime: "t" },
    ],
  };
  const cycle = {
    id: "pg-dr-1",
    startedAt: "2026-11-21T06:00:00Z",
    state: "Snapshot" as const,
    attempt: 1,
    sourceCluster: "east-1",
    targetCluster: "west-1",
    pvcs: [],
  };
  it.each<[string, VolumeReplicationStatus | undefined, VolumeReplicationStatus, boolean]>([
    ["nothing persisted yet", undefined, base, true],
    ["only the lag grew", base, { ...base, lagSeconds: 70 }, false],
    ["only a condition changed", base, { ...base, conditions: [] }, false],
    ["only pre-checks changed", base, { ...base, prechecks: [] }, false],
    ["a cycle started", base, { ...base, phase: "Replicating", cycle }, true],
    [
      "the cycle moved on to Transfer",
      { ...base, cycle },
      { ...base, cycle: { ...cycle, state: "Transfer" } },
      true,
    ],
    ["a resize is pending", base, { ...base, resize: { sizes: { data: "4Gi" }, startedAt: "t" } }, true],
    ["the roles were swapped", base, { ...base, role: { source: "west-1", target: "east-1" } }, true],
    [
      "the same status with keys in another order (a YAML round trip)",
      base,
      { conditions: base.conditions, role: { target: "west-1", source: "east-1" }, phase: "Idle" },
      false,
    ],
  ])("%s", (_name, previous, next, durable) => {
    expect(durableChange(previous, next)).toBe(durable);
  });
});
