import type { KubeObject } from "../../api.js";
import { isAlreadyExists, deleteIfExists } from "../runtime/api-errors.js";
import { setCondition, type Condition } from "../runtime/conditions.js";
import { defineController, type Runtime } from "../runtime/controller.js";
import { recordEvent } from "../runtime/events.js";
import { R } from "../runtime/gvr.js";
import { templateHash } from "../runtime/hash.js";
import {
  clone,
  controllerRef,
  field,
  isControlledBy,
  isDeleting,
  keyOf,
  splitKey,
} from "../runtime/objects.js";
import type { LabelSelector } from "../runtime/selectors.js";
import type { PodTemplate } from "./pod-template.js";
import { ownerKeys } from "./replicasets.js";
import { writeStatusIfChanged } from "./write-status.js";

export const REVISION = "deployment.kubernetes.io/revision";
const HASH_LABEL = "pod-template-hash";

const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? "0") || 0;
const replicasOf = (o: KubeObject, path: "spec" | "status", f = "replicas"): number =>
  field<number>(o, path, f) ?? 0;

/** maxUnavailable as a count ("25%" of 4 is 1, rounded down as Kubernetes does). */
export function maxUnavailable(deployment: KubeObject, desired: number): number {
  const value =
    field<number | string>(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable") ?? "25%";
  if (field<string>(deployment, "spec", "strategy", "type") === "Recreate") return desired;
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? Math.floor((desired * Number(percent[1])) / 100) : Number(value) || 0;
}

/**
 * Pure: a Deployment's status from its ReplicaSets — exactly the fields `kubectl rollout
 * status` reads (observedGeneration, updated/ready/available replicas, Progressing reason).
 */
export function deploymentStatus(
  deployment: KubeObject,
  newRS: KubeObject,
  all: readonly KubeObject[],
  now: string,
): Record<string, unknown> {
  const desired = field<number>(deployment, "spec", "replicas") ?? 1;
  const sum = (f: string): number => all.reduce((n, rs) => n + replicasOf(rs, "status", f), 0);
  const replicas = sum("replicas");
  const updated = replicasOf(newRS, "status");
  const ready = sum("readyReplicas");
  const available = sum("availableReplicas");
  const previous = (deployment["status"] ?? {}) as Record<string, unknown>;
  let conditions = (previous["conditions"] ?? []) as Condition[];
  const prior = (type: string): Condition | undefined => conditions.find((c) => c.type === type);
  /** lastUpdateTime moves only when the condition says something new. */
  const updatedAt = (type: string, status: string, reason: string): string => {
    const p = prior(type);
    return p?.status === status && p.reason === reason ? (p.lastUpdateTime ?? now) : now;
  };
  const minimum = available >= desired - maxUnavailable(deployment, desired);
  const availableReason = minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable";
  conditions = setCondition(
    conditions,
    {
      type: "Available",
      status: minimum ? "True" : "False",
      reason: availableReason,
      message: minimum
        ? "Deployment has minimum availability."
        : "Deployment does not have minimum availability.",
      lastUpdateTime: updatedAt("Available", minimum ? "True" : "False", availableReason),
    },
    now,
  );
  const complete = updated === desired && replicas === desired && available === desired;
  const rsName = newRS.metadata.name ?? "";
  const progressing = prior("Progressing");
  if (complete) {
    conditions = setCondition(
      conditions,
      {
        type: "Progressing",
        status: "True",
        reason: "NewReplicaSetAvailable",
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
        lastUpdateTime: updatedAt("Progressing", "True", "NewReplicaSetAvailable"),
      },
      now,
    );
  } else {
    // Progress is a new generation or more updated or available pods; without it for
    // progressDeadlineSeconds the rollout has timed out, as `kubectl rollout status` reports.
    const progressed =
      progressing === undefined ||
      (progressing.reason !== "ReplicaSetUpdated" && progressing.reason !== "ProgressDeadlineExceeded") ||
      previous["updatedReplicas"] !== updated ||
      previous["availableReplicas"] !== available ||
      previous["observedGeneration"] !== (deployment.metadata.generation ?? 1);
    const since = progressed ? now : (progressing.lastUpdateTime ?? now);
    const deadline = progressDeadlineMs(deployment);
    const timedOut = Date.parse(now) - Date.parse(since) >= deadline;
    conditions = setCondition(
      conditions,
      timedOut
        ? {
            type: "Progressing",
            status: "False",
            reason: "ProgressDeadlineExceeded",
            message: `ReplicaSet "${rsName}" has timed out progressing.`,
            lastUpdateTime: since,
          }
        : {
            type: "Progressing",
            status: "True",
            reason: "ReplicaSetUpdated",
            message: `ReplicaSet "${rsName}" is progressing.`,
            lastUpdateTime: since,
          },
      now,
    );
  }
  const status: Record<string, unknown> = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: available,
    conditions: [...conditions].sort((a, b) =>
      a.type === "Available" ? -1 : b.type === "Available" ? 1 : 0,
    ),
  };
  if (desired - available > 0) status["unavailableReplicas"] = desired - available;
  return status;
}

/**
 * Deployments own one ReplicaSet per template (named by pod-template-hash): the one for the
 * current template is scaled to `spec.replicas`, older ones to zero, and revisions advance
 * as `kubectl rollout history` expects (a rollback re-uses the old ReplicaSet).
 */
export const deployments = defineController("deployment", (rt) => {
  // One pending progress-deadline check per Deployment.
  const deadlines = new Set<string>();
  const onDeadline = (key: string, ms: number): void => {
    if (deadlines.has(key)) return;
    deadlines.add(key);
    rt.queue.track(
      rt.clock.sleep(ms, rt.queue.signal).then(
        () => {
          deadlines.delete(key);
          rt.queue.add(key);
        },
        () => undefined,
      ),
    );
  };
  return {
    watches: [{ gvr: R.deployments }, { gvr: R.replicaSets, keys: ownerKeys("Deployment") }],
    initialKeys: () => rt.ctx.api.list(R.deployments).map(keyOf),
    reconcile: (key) => {
      reconcileDeployment(rt, key, onDeadline);
      return Promise.resolve();
    },
  };
});

function reconcileDeployment(rt: Runtime, key: string, onDeadline: (key: string, ms: number) => void): void {
  const { api } = rt.ctx;
  const { namespace, name } = splitKey(key);
  const deployment = api.get(R.deployments, namespace, name);
  if (deployment === undefined || isDeleting(deployment)) return;
  const desired = field<number>(deployment, "spec", "replicas") ?? 1;
  const template = clone(field<PodTemplate>(deployment, "spec", "template") ?? {});
  const hash = templateHash(template);
  const owned = api
    .list(R.replicaSets, { namespace: namespace ?? "" })
    .filter((rs) => isControlledBy(rs, deployment));
  const maxRevision = owned.reduce((n, rs) => Math.max(n, revisionOf(rs)), 0);
  let newRS = owned.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
  const oldSets = owned.filter((rs) => rs !== newRS);
  if (newRS === undefined) {
    // With old pods still running, the new ReplicaSet starts empty and the rollout steps it up.
    const start = oldSets.some((rs) => replicasOf(rs, "spec") > 0) ? 0 : desired;
    newRS = createReplicaSet(rt, deployment, template, hash, { revision: maxRevision + 1, replicas: start });
    if (newRS === undefined) return;
  } else if (revisionOf(newRS) < maxRevision) {
    newRS = setReplicaSet(rt, newRS, replicasOf(newRS, "spec"), String(maxRevision + 1));
  }
  const targets = rolloutStep(deployment, newRS, oldSets);
  newRS = setReplicaSet(rt, newRS, targets.newReplicas, undefined);
  const scaledOld = oldSets.map((rs) =>
    setReplicaSet(rt, rs, targets.old.get(rs.metadata.uid ?? "") ?? 0, undefined),
  );
  pruneHistory(rt, deployment, scaledOld);
  const revision = newRS.metadata.annotations?.[REVISION];
  if (revision !== undefined && deployment.metadata.annotations?.[REVISION] !== revision) {
    const annotated = clone(deployment);
    annotated.metadata.annotations = { ...(annotated.metadata.annotations ?? {}), [REVISION]: revision };
    api.update(R.deployments, annotated);
    return;
  }
  const status = deploymentStatus(deployment, newRS, [newRS, ...scaledOld], rt.now());
  writeStatusIfChanged(api, R.deployments, deployment, status);
  const progressing = (status["conditions"] as Condition[]).find((c) => c.type === "Progressing");
  if (progressing?.reason === "ReplicaSetUpdated") {
    const due = Date.parse(progressing.lastUpdateTime ?? rt.now()) + progressDeadlineMs(deployment);
    onDeadline(key, Math.max(0, due - rt.clock.now().getTime()));
  }
}

/** progressDeadlineSeconds (default 600) in milliseconds. */
export const progressDeadlineMs = (deployment: KubeObject): number =>
  (field<number>(deployment, "spec", "progressDeadlineSeconds") ?? 600) * 1000;

/** maxSurge as a count ("25%" of 4 is 1, rounded up as Kubernetes does). */
export function maxSurge(deployment: KubeObject, desired: number): number {
  const value = field<number | string>(deployment, "spec", "strategy", "rollingUpdate", "maxSurge") ?? "25%";
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? Math.ceil((desired * Number(percent[1])) / 100) : Number(value) || 0;
}

/**
 * Pure: the next replica counts of a rollout, as the Deployment controller steps it. Recreate
 * empties the old ReplicaSets before the new one grows; RollingUpdate grows the new one within
 * `desired + maxSurge` pods and shrinks old ones (unhealthy pods first) while at least
 * `desired - maxUnavailable` pods stay available.
 */
export function rolloutStep(
  deployment: KubeObject,
  newRS: KubeObject,
  oldSets: readonly KubeObject[],
): { newReplicas: number; old: Map<string, number> } {
  const desired = field<number>(deployment, "spec", "replicas") ?? 1;
  const old = new Map(oldSets.map((rs) => [rs.metadata.uid ?? "", replicasOf(rs, "spec")]));
  const oldPods = oldSets.reduce((n, rs) => n + replicasOf(rs, "status"), 0);
  if (field<string>(deployment, "spec", "strategy", "type") === "Recreate") {
    for (const uid of old.keys()) old.set(uid, 0);
    return { newReplicas: oldPods > 0 ? 0 : desired, old };
  }
  const surge = maxSurge(deployment, desired);
  const unavailable =
    surge === 0 ? Math.max(1, maxUnavailable(deployment, desired)) : maxUnavailable(deployment, desired);
  const oldSpec = [...old.values()].reduce((a, b) => a + b, 0);
  const current = replicasOf(newRS, "spec");
  const room = Math.max(0, desired + surge - oldSpec - current);
  const newReplicas = current >= desired ? desired : Math.min(desired, current + room);
  const available =
    replicasOf(newRS, "status", "availableReplicas") +
    oldSets.reduce((n, rs) => n + replicasOf(rs, "status", "availableReplicas"), 0);
  let budget = Math.max(0, available - (desired - unavailable));
  for (const rs of [...oldSets].sort((a, b) => revisionOf(a) - revisionOf(b))) {
    const uid = rs.metadata.uid ?? "";
    const replicas = old.get(uid) ?? 0;
    if (replicas === 0) continue;
    const unhealthy = Math.max(0, replicas - replicasOf(rs, "status", "availableReplicas"));
    const cut = Math.min(replicas, unhealthy + budget);
    budget -= Math.max(0, cut - unhealthy);
    old.set(uid, replicas - cut);
  }
  return { newReplicas, old };
}

function createReplicaSet(
  rt: Runtime,
  deployment: KubeObject,
  template: PodTemplate,
  hash: string,
  start: { revision: number; replicas: number },
): KubeObject | undefined {
  const revision = start.revision;
  const name = `${deployment.metadata.name ?? ""}-${hash}`;
  const selector = clone(field<LabelSelector>(deployment, "spec", "selector") ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
  const labels = { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash };
  const desired = field<number>(deployment, "spec", "replicas") ?? 1;
  try {
    const rs = rt.ctx.api.create(R.replicaSets, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name,
        namespace: deployment.metadata.namespace ?? "default",
        labels,
        annotations: {
          [REVISION]: String(revision),
          "deployment.kubernetes.io/desired-replicas": String(desired),
          "deployment.kubernetes.io/max-replicas": String(desired + 1),
        },
        ownerReferences: [controllerRef(deployment)],
      },
      spec: {
        replicas: start.replicas,
        selector,
        template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
      },
    });
    recordEvent(rt, deployment, {
      reason: "ScalingReplicaSet",
      message: `Scaled up replica set ${name} to ${start.replicas}`,
    });
    return rs;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    // A ReplicaSet of that name exists but is not ours (a hash collision): leave it, as a conflict to resolve.
    rt.log.warn({ replicaSet: name }, "replica set name taken by an object the deployment does not own");
    return undefined;
  }
}

/** Sets a ReplicaSet's replicas (and revision), writing only when something changes. */
function setReplicaSet(
  rt: Runtime,
  rs: KubeObject,
  replicas: number,
  revision: string | undefined,
): KubeObject {
  const current = field<number>(rs, "spec", "replicas");
  const currentRevision = rs.metadata.annotations?.[REVISION];
  if (current === replicas && (revision === undefined || revision === currentRevision)) return rs;
  const next = clone(rs);
  (next["spec"] as Record<string, unknown>)["replicas"] = replicas;
  if (revision !== undefined)
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [REVISION]: revision };
  if (current !== replicas) {
    const verb = (current ?? 0) < replicas ? "up" : "down";
    recordEvent(rt, rs, {
      reason: "ScalingReplicaSet",
      message: `Scaled ${verb} replica set ${rs.metadata.name ?? ""} to ${replicas}`,
    });
  }
  return rt.ctx.api.update(R.replicaSets, next);
}

/** Keeps `revisionHistoryLimit` (default 10) old, scaled-down ReplicaSets; removes older ones. */
function pruneHistory(rt: Runtime, deployment: KubeObject, old: readonly KubeObject[]): void {
  const limit = field<number>(deployment, "spec", "revisionHistoryLimit") ?? 10;
  const idle = old
    .filter((rs) => replicasOf(rs, "spec") === 0 && replicasOf(rs, "status") === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
    deleteIfExists(rt.ctx.api, R.replicaSets, rs.metadata.namespace, rs.metadata.name ?? "");
  }
}
