import type { Clock } from "../../core/clock.js";
import { nodeName } from "../seed.js";
import { ProcessRunner, type ExitInfo, type ProcessSpec } from "./pods/process-runner.js";

/**
 * The local cluster's single simulated node: its name and address, the processes of pods
 * that run for real, and what the kubelet remembers between reconciles (exits, and which
 * simulated pods have finished their simulated run). Shared by the controllers of one cluster.
 */
export class SimulatedNode {
  readonly name: string;
  /** Everything runs on this machine, so the node's address is loopback. */
  readonly hostIP = "127.0.0.1";
  readonly processes: ProcessRunner;
  /** How each real process ended, by pod uid, until the kubelet writes it to the pod. */
  readonly exits = new Map<string, ExitInfo>();
  /** When each crashed long-running container may start again (CrashLoopBackOff), by pod uid. */
  readonly restartAt = new Map<string, number>();
  /** Pods (by uid) whose simulated run (or time to readiness) has ended. */
  readonly simulatedDone = new Set<string>();
  /** Pods (by uid) with a simulated-time timer running. */
  readonly timers = new Set<string>();
  private readonly exitListeners = new Set<(spec: ProcessSpec) => void>();

  constructor(clusterName: string, clock: Clock) {
    // The Node object itself is seeded by the store (see ../seed.ts); this is its kubelet.
    this.name = nodeName(clusterName);
    this.processes = new ProcessRunner(clock, (spec, info) => {
      this.exits.set(spec.uid, info);
      for (const listener of this.exitListeners) listener(spec);
    });
  }

  onExit(listener: (spec: ProcessSpec) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }
}
