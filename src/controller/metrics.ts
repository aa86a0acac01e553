/**
 * The controller's Prometheus metrics, in a registry of its own (never prom-client's global
 * default), so two controllers in one process — tests, the demo — keep separate counts.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface ControllerMetrics {
  readonly registry: Registry;
  readonly reconcileDuration: Histogram<"result">;
  readonly polls: Counter<"result">;
  readonly migrationsByPhase: Gauge<"phase">;
  readonly objectsMoved: Counter;
  readonly bytesMoved: Counter;
  readonly leader: Gauge;
}

/** A fresh registry with Ferry's metrics. */
export function createControllerMetrics(): ControllerMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    reconcileDuration: new Histogram({
      name: "ferry_reconcile_duration_seconds",
      help: "Duration of a reconcile (plan, execution and status write)",
      labelNames: ["result"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    polls: new Counter({
      name: "ferry_polls_total",
      help: "Polls of the desired-state repository by result (unchanged, changed, error)",
      labelNames: ["result"],
      registers,
    }),
    migrationsByPhase: new Gauge({
      name: "ferry_migrations",
      help: "Migrations (and schedule runs) by phase in the last status",
      labelNames: ["phase"],
      registers,
    }),
    objectsMoved: new Counter({
      name: "ferry_objects_moved_total",
      help: "Objects created or updated on targets",
      registers,
    }),
    bytesMoved: new Counter({
      name: "ferry_bytes_moved_total",
      help: "Bytes of resource backups written to replication repositories",
      registers,
    }),
    leader: new Gauge({
      name: "ferry_leader",
      help: "1 when this replica holds the leader lease (or runs without leader election)",
      registers,
    }),
  };
}
