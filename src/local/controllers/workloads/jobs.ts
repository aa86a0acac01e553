import type { KubeObject } from "../../api.js";
import { deleteIfExists } from "../runtime/api-errors.js";
import { conditionStatus, setCondition, type Condition } from "../runtime/conditions.js";
import { defineController, type Runtime } from "../runtime/controller.js";
import { recordEvent } from "../runtime/events.js";
import { R } from "../runtime/gvr.js";
import { field, isControlledBy, isDeleting, keyOf, splitKey } from "../runtime/objects.js";
import { isActive, isReady, podFromTemplate, podPhase, type PodTemplate } from "./pod-template.js";
import { ownerKeys } from "./replicasets.js";
import { writeStatusIfChanged } from "./write-status.js";

/** What a Job should do next, from its spec and its pods: pure, so it is tested by table. */
export type JobVerdict =
  | { kind: "create"; count: number }
  | { kind: "wait" }
  | { kind: "complete" }
  | { kind: "fail"; reason: "BackoffLimitExceeded" | "DeadlineExceeded"; message: string }
  | { kind: "suspend" };

export interface JobCounts {
  readonly active: number;
  readonly succeeded: number;
  readonly failed: number;
}

/** Decides a Job's next step as the Job controller does (non-indexed completions). */
export function jobVerdict(
  spec: Record<string, unknown>,
  counts: JobCounts,
  elapsedSeconds: number,
): JobVerdict {
  const completions = typeof spec["completions"] === "number" ? spec["completions"] : 1;
  const parallelism = typeof spec["parallelism"] === "number" ? spec["parallelism"] : 1;
  const backoffLimit = typeof spec["backoffLimit"] === "number" ? spec["backoffLimit"] : 6;
  const deadline =
    typeof spec["activeDeadlineSeconds"] === "number" ? spec["activeDeadlineSeconds"] : undefined;
  if (counts.succeeded >= completions) return { kind: "complete" };
  if (counts.failed > backoffLimit) {
    return {
      kind: "fail",
      reason: "BackoffLimitExceeded",
      message: "Job has reached the specified backoff limit",
    };
  }
  if (deadline !== undefined && elapsedSeconds >= deadline) {
    return {
      kind: "fail",
      reason: "DeadlineExceeded",
      message: "Job was active longer than specified deadline",
    };
  }
  if (spec["suspend"] === true) return { kind: "suspend" };
  const wanted = Math.min(parallelism, completions - counts.succeeded);
  return wanted > counts.active ? { kind: "create", count: wanted - counts.active } : { kind: "wait" };
}

const finished = (job: KubeObject): boolean => {
  const conditions = field<Condition[]>(job, "status", "conditions");
  return (
    conditionStatus(conditions, "Complete") === "True" || conditionStatus(conditions, "Failed") === "True"
  );
};

/**
 * Jobs run pods to completion: one pod at a time by default (parallelism and completions
 * honoured), a failed pod is replaced until `backoffLimit` failures, then the Job fails.
 * Pods of Ferry's image really run (see the kubelet); others finish after a simulated time.
 */
export const jobs = defineController("job", (rt) => ({
  watches: [{ gvr: R.jobs }, { gvr: R.pods, keys: ownerKeys("Job") }],
  initialKeys: () => rt.ctx.api.list(R.jobs).map(keyOf),
  reconcile: (key) => {
    reconcileJob(rt, key);
    return Promise.resolve();
  },
}));

function reconcileJob(rt: Runtime, key: string): void {
  const { api } = rt.ctx;
  const { namespace, name } = splitKey(key);
  const job = api.get(R.jobs, namespace, name);
  if (job === undefined || isDeleting(job)) return;
  if (finished(job)) {
    scheduleTtl(rt, job);
    return;
  }
  const spec = (job["spec"] ?? {}) as Record<string, unknown>;
  const pods = api.list(R.pods, { namespace: namespace ?? "" }).filter((p) => isControlledBy(p, job));
  let active = pods.filter(isActive);
  const counts = {
    active: active.length,
    succeeded: pods.filter((p) => podPhase(p) === "Succeeded").length,
    failed: pods.filter((p) => podPhase(p) === "Failed").length,
  };
  const now = rt.now();
  const startTime = field<string>(job, "status", "startTime") ?? now;
  const elapsed = (rt.clock.now().getTime() - Date.parse(startTime)) / 1000;
  const verdict = jobVerdict(spec, counts, elapsed);
  const status = { ...((job["status"] ?? {}) as Record<string, unknown>) };
  let conditions = (status["conditions"] ?? []) as Condition[];
  const stopActive = (): void => {
    for (const pod of active) deleteIfExists(api, R.pods, namespace, pod.metadata.name ?? "");
    active = [];
  };
  switch (verdict.kind) {
    case "create": {
      const template = field<PodTemplate>(job, "spec", "template") ?? {};
      const uid = job.metadata.uid ?? "";
      const labels = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
      };
      for (let i = 0; i < verdict.count; i++) {
        const pod = api.create(
          R.pods,
          podFromTemplate(job, template, { generateName: `${name}-` }, { labels }),
        );
        active = [...active, pod];
        recordEvent(rt, job, {
          reason: "SuccessfulCreate",
          message: `Created pod: ${pod.metadata.name ?? ""}`,
        });
      }
      const deadline = spec["activeDeadlineSeconds"];
      if (typeof deadline === "number" && status["startTime"] === undefined)
        rt.queue.addAfter(key, deadline * 1000);
      break;
    }
    case "complete":
      conditions = setCondition(
        conditions,
        {
          type: "SuccessCriteriaMet",
          status: "True",
          reason: "CompletionsReached",
          message: "Reached expected number of succeeded pods",
        },
        now,
      );
      conditions = setCondition(
        conditions,
        {
          type: "Complete",
          status: "True",
          reason: "CompletionsReached",
          message: "Reached expected number of succeeded pods",
        },
        now,
      );
      status["completionTime"] = now;
      recordEvent(rt, job, { reason: "Completed", message: "Job completed" });
      break;
    case "fail":
      stopActive();
      conditions = setCondition(
        conditions,
        { type: "FailureTarget", status: "True", reason: verdict.reason, message: verdict.message },
        now,
      );
      conditions = setCondition(
        conditions,
        { type: "Failed", status: "True", reason: verdict.reason, message: verdict.message },
        now,
      );
      recordEvent(rt, job, { type: "Warning", reason: verdict.reason, message: verdict.message });
      break;
    case "suspend":
      stopActive();
      conditions = setCondition(
        conditions,
        { type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended" },
        now,
      );
      break;
    case "wait":
      break;
  }
  if (verdict.kind !== "suspend" && conditionStatus(conditions, "Suspended") === "True") {
    conditions = setCondition(
      conditions,
      { type: "Suspended", status: "False", reason: "JobResumed", message: "Job resumed" },
      now,
    );
  }
  Object.assign(status, {
    startTime,
    active: active.length,
    ready: active.filter(isReady).length,
    succeeded: counts.succeeded,
    failed: counts.failed,
    terminating: pods.filter(isDeleting).length,
    uncountedTerminatedPods: {},
  });
  for (const k of ["active", "succeeded", "failed"] as const) if (status[k] === 0) delete status[k];
  if (conditions.length > 0) status["conditions"] = conditions;
  writeStatusIfChanged(api, R.jobs, job, status);
}

/** ttlSecondsAfterFinished: a finished Job (and, through the GC, its pods) is deleted after the TTL. */
function scheduleTtl(rt: Runtime, job: KubeObject): void {
  const ttl = field<number>(job, "spec", "ttlSecondsAfterFinished");
  if (ttl === undefined) return;
  const finishedAt = field<Condition[]>(job, "status", "conditions")?.find(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  )?.lastTransitionTime;
  const due = Date.parse(finishedAt ?? rt.now()) + ttl * 1000 - rt.clock.now().getTime();
  if (due > 0) {
    rt.queue.addAfter(keyOf(job), due);
    return;
  }
  deleteIfExists(rt.ctx.api, R.jobs, job.metadata.namespace, job.metadata.name ?? "", {
    propagationPolicy: "Background",
  });
}
