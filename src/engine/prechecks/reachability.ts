/** Pre-check: can Ferry talk to the target at all? Every other check needs this. */
import type { Reachability } from "./observations.js";
import { result, type PrecheckResult } from "./types.js";

/** Compatible with the server version, or incompatible with the connection error. */
export function checkReachable(target: string, reachability: Reachability): PrecheckResult {
  if (reachability.ok) {
    return result({
      check: "reachable",
      target,
      verdict: "compatible",
      reason: `reachable, Kubernetes ${reachability.serverVersion}`,
    });
  }
  return result({
    check: "reachable",
    target,
    verdict: "incompatible",
    reason: `cannot reach the target: ${reachability.error}`,
    remediation: {
      kind: "fix-connection",
      description: `Check the Cluster manifest's connection for ${target} and that its API server is up.`,
    },
  });
}
