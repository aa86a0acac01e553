/**
 * Pre-checks for every target of a run: observe each target (in parallel), evaluate with the
 * pure verdict functions, decide with `decidePrecheckOutcome`, and in `auto` mode apply the
 * live fixes before anything else is written. Emits PrecheckStarted/Result/Completed.
 */
import type { ClusterClient } from "../../cluster/port.js";
import type { Clock } from "../../core/clock.js";
import { errorMessage } from "../../core/errors.js";
import type { MigrationSpec } from "../../manifests/types.js";
import type { KubeObject } from "../kube-object.js";
import { evaluatePrechecks } from "../prechecks/evaluate.js";
import { decidePrecheckOutcome, type PrecheckOutcome } from "../prechecks/outcome.js";
import type { ManifestLocation, PrecheckResult } from "../prechecks/types.js";
import type { MigrationEvent } from "../status/events.js";
import type { Provenance } from "../transforms/provenance.js";
import { observeTarget } from "./observe-target.js";
import { applyLiveFix } from "./live-fixes.js";
import type { TypeIndex } from "./type-index.js";

export interface PrecheckRunInput {
  readonly spec: MigrationSpec;
  readonly clusters: ReadonlyMap<string, ClusterClient>;
  readonly objects: readonly KubeObject[];
  readonly sourceCrds: ReadonlyMap<string, KubeObject>;
  readonly sourceVersion: string;
  readonly provenance: Provenance;
  readonly location?: ManifestLocation;
  readonly clock: Clock;
  readonly emit: (event: MigrationEvent) => void;
}

export interface PrecheckRun {
  readonly outcome: PrecheckOutcome;
  readonly results: readonly PrecheckResult[];
  /** What `auto` changed on the targets. */
  readonly fixesApplied: readonly string[];
  /** Set when a live fix failed: the run stops as PrecheckFailed. */
  readonly fixError?: string;
  /** Each reachable target's discovery, for its restore. */
  readonly types: ReadonlyMap<string, TypeIndex>;
}

export async function runPrechecks(input: PrecheckRunInput): Promise<PrecheckRun> {
  const { spec, clock } = input;
  const at = (): string => clock.now().toISOString();
  const targets = spec.targets.map((t) => t.cluster);
  const observed = await Promise.all(
    targets.map(async (name) => {
      input.emit({ type: "PrecheckStarted", at: at(), target: name });
      const client = input.clusters.get(name);
      if (client === undefined) {
        return {
          name,
          observation: undefined,
          results: [unreachable(name, "no connection is configured for this cluster")],
        };
      }
      const { observations, types } = await observeTarget({ target: client, spec, objects: input.objects });
      const results = evaluatePrechecks({
        migration: input.provenance.migration,
        spec,
        sourceVersion: input.sourceVersion,
        objects: input.objects,
        sourceCrds: input.sourceCrds,
        target: observations,
        ...(input.location === undefined ? {} : { location: input.location }),
      });
      return { name, types, results };
    }),
  );
  const results = observed.flatMap((o) => o.results);
  for (const result of results) input.emit({ type: "PrecheckResult", at: at(), result });
  const outcome = decidePrecheckOutcome(results, spec.prechecks?.remediation);
  const types = new Map<string, TypeIndex>();
  for (const o of observed) if ("types" in o && o.types !== undefined) types.set(o.name, o.types);

  const fixesApplied: string[] = [];
  if (outcome.proceed && outcome.liveFixes.length > 0) {
    const sourceCrdsByName = new Map([...input.sourceCrds.values()].map((c) => [c.metadata.name, c]));
    try {
      for (const fix of outcome.liveFixes) {
        fixesApplied.push(
          await applyLiveFix(fix, {
            clusters: input.clusters,
            sourceCrdsByName,
            provenance: input.provenance,
          }),
        );
      }
    } catch (e) {
      const fixError = `a remediation failed: ${errorMessage(e)}`;
      input.emit({ type: "PrecheckCompleted", at: at(), proceed: false, message: fixError });
      return { outcome, results, fixesApplied, fixError, types };
    }
  }
  const message =
    fixesApplied.length === 0 ? outcome.message : `${outcome.message}; ${fixesApplied.join("; ")}`;
  input.emit({ type: "PrecheckCompleted", at: at(), proceed: outcome.proceed, message });
  return { outcome, results, fixesApplied, types };
}

function unreachable(target: string, error: string): PrecheckResult {
  return {
    check: "reachable",
    target,
    verdict: "incompatible",
    reason: `cannot reach the target: ${error}`,
    remediation: {
      kind: "fix-connection",
      description: `Add a Cluster manifest with a connection for ${target}.`,
    },
  };
}
