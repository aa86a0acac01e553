/** The imperative half of a reconcile: run the plan's actions, propose remediations. */
export { executePlan, type ExecutorDeps, type ExecutionResult, type ActionOutcome } from "./execute.js";
export {
  gitRemediation,
  type RemediationPort,
  type ProposeRequest,
  type GitRemediationDeps,
} from "./remediation.js";
export { applyManifestChanges } from "./apply-changes.js";
export { observeInventories, readInventory, writtenObjects, type DiscoveryCache } from "./inventory.js";
