/** The controller loop with hand-written fakes of Ferry's own ports and a manual clock. */
import { describe, expect, it } from "vitest";
import { FerryError } from "../../../src/core/errors.js";
import { silentLogger } from "../../../src/core/logger.js";
import { createControllerLoop } from "../../../src/controller/loop.js";
import { createControllerMetrics } from "../../../src/controller/metrics.js";
import type { ReconcileSummary, Reconciler } from "../../../src/controller/reconciler.js";
import type { GitSource, PollResult } from "../../../src/gitops/git/source.js";
import type { TreeSource } from "../../../src/manifests/types.js";
import { ManualClock } from "../../helpers/manual-clock.js";

const INTERVAL = 30_000;

function fakeSource(results: (PollResult | Error)[]): GitSource & { polls: number } {
  const source = {
    display: "fake",
    branch: "main",
    polls: 0,
    poll(): Promise<PollResult> {
      const next = results[Math.min(source.polls, results.length - 1)];
      source.polls += 1;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next ?? { changed: false });
    },
    readTree(): TreeSource {
      throw new Error("not used");
    },
  };
  return source;
}

function fakeReconciler(block?: (signal: AbortSignal) => Promise<void>): Reconciler & { commits: string[] } {
  const r = {
    commits: [] as string[],
    async reconcile(commit: string, signal?: AbortSignal): Promise<ReconcileSummary> {
      r.commits.push(commit);
      if (block !== undefined && signal !== undefined) await block(signal);
      return { commit, valid: true, actions: 0, outcomes: [], durationMs: 0 };
    },
  };
  return r;
}

describe("the controller loop", () => {
  it("polls once per interval and reconciles the tip each time", async () => {
    const clock = new ManualClock();
    const source = fakeSource([
      { changed: true, commit: "a" },
      { changed: false, commit: "a" },
    ]);
    const reconciler = fakeReconciler();
    const metrics = createControllerMetrics();
    const loop = createControllerLoop({
      source,
      reconciler,
      clock,
      logger: silentLogger,
      intervalMs: INTERVAL,
      metrics,
      isLeader: () => true,
      workSignal: () => new AbortController().signal,
    });
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    await clock.sleepers(1);
    expect(source.polls).toBe(1);
    clock.advance(INTERVAL - 1);
    expect(source.polls).toBe(1);
    clock.advance(1);
    await clock.sleepers(1);
    expect(source.polls).toBe(2);
    expect(reconciler.commits).toEqual(["a", "a"]);
    stop.abort();
    await running;
    expect(await metrics.registry.getSingleMetricAsString("ferry_polls_total")).toMatch(
      /result="changed"\} 1[\s\S]*result="unchanged"\} 1/,
    );
  });

  it.each([
    ["a trigger wakes the loop at once", true],
    ["without a trigger the loop waits for the interval", false],
  ])("%s", async (_what, trigger) => {
    const clock = new ManualClock();
    const source = fakeSource([{ changed: true, commit: "a" }]);
    const loop = createControllerLoop({
      source,
      reconciler: fakeReconciler(),
      clock,
      logger: silentLogger,
      intervalMs: INTERVAL,
      isLeader: () => true,
      workSignal: () => new AbortController().signal,
    });
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    await clock.sleepers(1);
    if (trigger) {
      loop.trigger();
      await clock.sleepers(1);
    } else {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(source.polls).toBe(trigger ? 2 : 1);
    stop.abort();
    await running;
  });

  it("polls but does not reconcile while another replica leads", async () => {
    const clock = new ManualClock();
    const source = fakeSource([{ changed: true, commit: "a" }]);
    const reconciler = fakeReconciler();
    let leader = false;
    const loop = createControllerLoop({
      source,
      reconciler,
      clock,
      logger: silentLogger,
      intervalMs: INTERVAL,
      isLeader: () => leader,
      workSignal: () => new AbortController().signal,
    });
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    await clock.sleepers(1);
    expect(source.polls).toBe(1);
    expect(reconciler.commits).toEqual([]);
    leader = true;
    loop.trigger();
    await clock.sleepers(1);
    expect(reconciler.commits).toEqual(["a"]);
    stop.abort();
    await running;
  });

  it("counts a failed poll and keeps going", async () => {
    const clock = new ManualClock();
    const source = fakeSource([new FerryError("Remote", "503"), { changed: true, commit: "b" }]);
    const reconciler = fakeReconciler();
    const metrics = createControllerMetrics();
    const polls: boolean[] = [];
    const loop = createControllerLoop({
      source,
      reconciler,
      clock,
      logger: silentLogger,
      intervalMs: INTERVAL,
      metrics,
      isLeader: () => true,
      workSignal: () => new AbortController().signal,
      onPoll: (ok) => polls.push(ok),
    });
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    await clock.sleepers(1);
    clock.advance(INTERVAL);
    await clock.sleepers(1);
    expect(polls).toEqual([false, true]);
    expect(reconciler.commits).toEqual(["b"]);
    expect(await metrics.registry.getSingleMetricAsString("ferry_polls_total")).toContain(
      'result="error"} 1',
    );
    stop.abort();
    await running;
  });

  it("aborts the in-flight reconcile through the work signal and ends when stopped", async () => {
    const clock = new ManualClock();
    const work = new AbortController();
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const reconciler = fakeReconciler(
      (signal) =>
        new Promise<void>((_resolve, reject) => {
          started();
          signal.addEventListener("abort", () => reject(new FerryError("Aborted", "aborted")), {
            once: true,
          });
        }),
    );
    const loop = createControllerLoop({
      source: fakeSource([{ changed: true, commit: "a" }]),
      reconciler,
      clock,
      logger: silentLogger,
      intervalMs: INTERVAL,
      isLeader: () => true,
      workSignal: () => work.signal,
    });
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    await inFlight;
    stop.abort();
    work.abort();
    await running;
    expect(reconciler.commits).toEqual(["a"]);
  });
});
