import type { LocalApi } from "../api.js";
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import { systemClock } from "../../core/clock.js";
import { SimulatedNode } from "./node.js";
import { kubelet } from "./pods/kubelet.js";
import { volumeProvisioner } from "./volumes/provisioner.js";
import { quotaStatus } from "./volumes/quota.js";
import { volumeSnapshots } from "./volumes/snapshots.js";
import { volumeReclaimer } from "./volumes/reclaim.js";
import { cronJobs } from "./workloads/cronjobs.js";
import { daemonSets } from "./workloads/daemonsets.js";
import { deployments } from "./workloads/deployments.js";
import { jobs } from "./workloads/jobs.js";
import { replicaSets } from "./workloads/replicasets.js";
import { statefulSets } from "./workloads/statefulsets.js";

/** What a local cluster hands its simulated controllers. */
export interface ControllerContext {
  readonly api: LocalApi;
  readonly clusterName: string;
  /** The cluster's state directory: volumes, snapshots and pod logs live below it (see ../paths.ts). */
  readonly dataDir: string;
  /** argv prefix that runs Ferry itself, for Jobs whose image is Ferry's (e.g. [node, bin/ferry.js]). */
  readonly ferryCommand: readonly string[];
  readonly logger: Logger;
  /** Time for simulated durations, schedules and retries; the system clock when absent. */
  readonly clock?: Clock;
}

export interface RunningControllers {
  stop(): Promise<void>;
}

/** What each controller gets: the cluster's context and its single simulated node. */
export interface NodeContext extends ControllerContext {
  readonly node: SimulatedNode;
}

/** A controller watches the store through `ctx.api` and reconciles; `stop` ends its work. */
export type Controller = (ctx: NodeContext) => RunningControllers;

/** How long a pod's process gets between SIGTERM and SIGKILL when the cluster stops. */
const STOP_GRACE_MS = 5_000;

/** The controllers every local cluster runs, kwok-style. */
export const controllers: Controller[] = [
  kubelet,
  replicaSets,
  deployments,
  statefulSets,
  daemonSets,
  jobs,
  cronJobs,
  volumeProvisioner,
  volumeReclaimer,
  quotaStatus,
  volumeSnapshots,
];

/** Starts every controller; the returned `stop` stops them all. */
export function startControllers(ctx: ControllerContext): RunningControllers {
  const node = new SimulatedNode(ctx.clusterName, ctx.clock ?? systemClock);
  const running = controllers.map((start) => start({ ...ctx, node }));
  return {
    stop: async () => {
      await Promise.all(running.map((r) => r.stop()));
      // Stopping the cluster stops what runs on its node, as a node shutdown would.
      await node.processes.stopAll(STOP_GRACE_MS);
    },
  };
}
