/** Volume replication (Diamanti-style asynchronous replication of consistency groups). */
export { replicateGroup } from "./replicate-group.js";
export { resizeGroup } from "./resize.js";
export { directionOf, initialStatus } from "./direction.js";
export { moverRepositoryAccess, type MoverRepositoryAccess } from "./repository-location.js";
export type { DriverOptions, ReplicateGroupInput, Direction } from "./context.js";
export { reconcileConfiguration, type ConfigurationVerdict } from "./configuration.js";
export { cycleDue, failoverWarranted, replicationPolicy, rpoIntervalMs } from "./rpo.js";
export { roleSwapOf } from "./role-swap.js";
export { DEFAULT_MOVER_IMAGE, moverJob } from "./mover-job.js";
export type * from "./types.js";
export { createVolumeDataMover, type VolumeDataMoverOptions } from "./data-mover.js";
export { deleteReplication } from "./delete.js";
export { failoverPullRequest, type FailoverPullRequest } from "./failover-proposal.js";
