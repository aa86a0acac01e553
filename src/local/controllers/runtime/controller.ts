import type { Clock } from "../../../core/clock.js";
import { systemClock } from "../../../core/clock.js";
import type { Logger } from "../../../core/logger.js";
import type { GroupVersionResource, WatchEvent } from "../../api.js";
import type { Controller, NodeContext } from "../index.js";
import { keyOf } from "./objects.js";
import { WorkQueue } from "./work-queue.js";

/** What a controller's code gets: the context, its queue, the clock and a logger. */
export interface Runtime {
  readonly ctx: NodeContext;
  readonly clock: Clock;
  readonly log: Logger;
  readonly queue: WorkQueue;
  /** Now as Kubernetes writes times (RFC 3339, whole seconds). */
  now(): string;
}

/** One watched resource and the keys its events should reconcile. */
export interface WatchSpec {
  readonly gvr: GroupVersionResource;
  /** Defaults to the event object's own key. */
  readonly keys?: (event: WatchEvent) => readonly string[];
}

export interface ControllerDefinition {
  readonly watches: readonly WatchSpec[];
  readonly reconcile: (key: string) => Promise<void>;
  /** Keys to reconcile at start, so what changed while the cluster was stopped is caught up. */
  readonly initialKeys?: () => readonly string[];
  /** Extra clean-up (running processes, timers) after the queue has stopped. */
  readonly stop?: () => Promise<void>;
}

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export const kubeTime = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/** Builds a Controller from a definition: watches feed the queue, the queue reconciles. */
export function defineController(name: string, build: (rt: Runtime) => ControllerDefinition): Controller {
  return (ctx) => {
    const clock = ctx.clock ?? systemClock;
    const log = ctx.logger.child({ controller: name, cluster: ctx.clusterName });
    // The queue exists before the definition (which may use it), so it reconciles through this.
    const current: { definition?: ControllerDefinition } = {};
    const queue = new WorkQueue({
      name,
      clock,
      logger: log,
      reconcile: (key) =>
        current.definition === undefined ? Promise.resolve() : current.definition.reconcile(key),
    });
    const runtime: Runtime = { ctx, clock, log, queue, now: () => kubeTime(clock.now()) };
    const def = build(runtime);
    current.definition = def;
    const unwatch = def.watches.map((w) =>
      ctx.api.watch(w.gvr, (event) => {
        for (const key of w.keys === undefined ? [keyOf(event.object)] : w.keys(event)) queue.add(key);
      }),
    );
    for (const key of def.initialKeys?.() ?? []) queue.add(key);
    return {
      stop: async () => {
        for (const stopWatch of unwatch) stopWatch();
        await queue.stop();
        await def.stop?.();
      },
    };
  };
}
