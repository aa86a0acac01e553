/** The GitOps controller: composition, loop, reconcile pipeline, leader election, endpoints, logs. */
export {
  startController,
  reconcileOnce,
  type ControllerOptions,
  type RunOptions,
  type RunningController,
} from "./controller.js";
export {
  createReconciler,
  type Reconciler,
  type ReconcilerDeps,
  type ReconcileSummary,
} from "./reconciler.js";
export { createControllerLoop, type ControllerLoop, type LoopOptions } from "./loop.js";
export { createLeaderElector, type LeaderElector, type LeaseOptions } from "./lease.js";
export { createControllerMetrics, type ControllerMetrics } from "./metrics.js";
export { controllerHandler, listen, type ControllerHttpOptions } from "./http.js";
export { createLogger, REDACTED_PATHS } from "./logger.js";
export { clusterConnector, type ClusterConnector } from "./connect.js";
export { repositoryOpener, type RepositoryOpener } from "./repositories.js";
export { statusRecordStore, type StatusRecordStore } from "./status-records.js";
