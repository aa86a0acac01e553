import { badRequest } from "../errors.js";
import type { DeleteOptions } from "../store/store-types.js";

/** Delete options from the query and the DeleteOptions body (the query wins), as kubectl sends them. */
export function deleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const b = (typeof body === "object" && body !== null ? body : {}) as {
    propagationPolicy?: string;
    orphanDependents?: boolean;
    preconditions?: { uid?: string; resourceVersion?: string };
    dryRun?: string[];
  };
  let policy = q.get("propagationPolicy") ?? b.propagationPolicy;
  if (policy === undefined && (q.get("orphanDependents") === "true" || b.orphanDependents === true))
    policy = "Orphan";
  if (policy !== undefined && !["Foreground", "Background", "Orphan"].includes(policy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const dryRun = q.getAll("dryRun").includes("All") || (b.dryRun ?? []).includes("All");
  return {
    ...(policy === undefined ? {} : { propagationPolicy: policy as "Foreground" | "Background" | "Orphan" }),
    ...(b.preconditions === undefined ? {} : { preconditions: b.preconditions }),
    ...(dryRun ? { dryRun } : {}),
  };
}
