import type { KubeObject } from "../../api.js";
import { deleteIfExists, isAlreadyExists } from "../runtime/api-errors.js";
import { conditionStatus, type Condition } from "../runtime/conditions.js";
import { defineController, kubeTime, type Runtime } from "../runtime/controller.js";
import { recordEvent } from "../runtime/events.js";
import { R } from "../runtime/gvr.js";
import { controllerRef, field, isControlledBy, isDeleting, keyOf, splitKey } from "../runtime/objects.js";
import { cronTimes } from "./cron-schedule.js";
import { ownerKeys } from "./replicasets.js";
import { writeStatusIfChanged } from "./write-status.js";

const jobState = (job: KubeObject): "active" | "succeeded" | "failed" => {
  const conditions = field<Condition[]>(job, "status", "conditions");
  if (conditionStatus(conditions, "Complete") === "True") return "succeeded";
  if (conditionStatus(conditions, "Failed") === "True") return "failed";
  return "active";
};

/**
 * CronJobs create a Job at each schedule time (named `<cronjob>-<minutes since epoch>`, as
 * Kubernetes does) unless suspended, honouring concurrencyPolicy, startingDeadlineSeconds
 * and the history limits; status keeps `active`, `lastScheduleTime` and `lastSuccessfulTime`.
 */
export const cronJobs = defineController("cronjob", (rt) => {
  const timers = new Map<string, number>();
  return {
    watches: [{ gvr: R.cronJobs }, { gvr: R.jobs, keys: ownerKeys("CronJob") }],
    initialKeys: () => rt.ctx.api.list(R.cronJobs).map(keyOf),
    reconcile: (key) => {
      reconcileCronJob(rt, key, (due) => {
        if (timers.get(key) === due.getTime()) return;
        timers.set(key, due.getTime());
        rt.queue.addAfter(key, Math.max(0, due.getTime() - rt.clock.now().getTime()));
      });
      return Promise.resolve();
    },
  };
});

function reconcileCronJob(rt: Runtime, key: string, wakeAt: (due: Date) => void): void {
  const { api } = rt.ctx;
  const { namespace, name } = splitKey(key);
  const cronJob = api.get(R.cronJobs, namespace, name);
  if (cronJob === undefined || isDeleting(cronJob)) return;
  const spec = (cronJob["spec"] ?? {}) as Record<string, unknown>;
  const status = { ...((cronJob["status"] ?? {}) as Record<string, unknown>) };
  const now = rt.clock.now();
  let owned = api.list(R.jobs, { namespace: namespace ?? "" }).filter((j) => isControlledBy(j, cronJob));
  const since = new Date(
    (status["lastScheduleTime"] as string | undefined) ?? cronJob.metadata.creationTimestamp ?? kubeTime(now),
  );
  const times = cronTimes(typeof spec["schedule"] === "string" ? spec["schedule"] : "", {
    since,
    now,
    ...(typeof spec["timeZone"] === "string" ? { timeZone: spec["timeZone"] } : {}),
  });
  if (!times.ok) {
    recordEvent(rt, cronJob, { type: "Warning", reason: "UnparseableSchedule", message: times.message });
    return;
  }
  const latest = times.latest;
  if (latest !== undefined && spec["suspend"] !== true) {
    const deadline = spec["startingDeadlineSeconds"];
    const tooLate = typeof deadline === "number" && now.getTime() - latest.getTime() > deadline * 1000;
    const active = owned.filter((j) => jobState(j) === "active");
    const policy = spec["concurrencyPolicy"] ?? "Allow";
    if (tooLate) {
      recordEvent(rt, cronJob, {
        type: "Warning",
        reason: "MissSchedule",
        message: `Missed scheduled time to start a job: ${kubeTime(latest)}`,
      });
      status["lastScheduleTime"] = kubeTime(latest);
    } else if (policy === "Forbid" && active.length > 0) {
      recordEvent(rt, cronJob, {
        reason: "JobAlreadyActive",
        message: "Not starting job because prior execution is running and concurrency policy is Forbid",
      });
    } else {
      if (policy === "Replace") {
        for (const job of active)
          deleteIfExists(api, R.jobs, namespace, job.metadata.name ?? "", {
            propagationPolicy: "Background",
          });
        owned = owned.filter((j) => !active.includes(j));
      }
      const job = createJob(rt, cronJob, latest);
      if (job !== undefined) owned = [...owned, job];
      status["lastScheduleTime"] = kubeTime(latest);
    }
  }
  owned = pruneHistory(rt, cronJob, owned);
  const active = owned.filter((j) => jobState(j) === "active");
  if (active.length > 0) {
    status["active"] = active.map((j) => ({
      apiVersion: "batch/v1",
      kind: "Job",
      name: j.metadata.name,
      namespace: j.metadata.namespace,
      uid: j.metadata.uid,
      resourceVersion: j.metadata.resourceVersion,
    }));
  } else delete status["active"];
  const lastSuccess = owned
    .filter((j) => jobState(j) === "succeeded")
    .map((j) => field<string>(j, "status", "completionTime") ?? "")
    .sort()
    .at(-1);
  if (lastSuccess !== undefined && lastSuccess !== "") status["lastSuccessfulTime"] = lastSuccess;
  writeStatusIfChanged(api, R.cronJobs, cronJob, status);
  wakeAt(times.next);
}

function createJob(rt: Runtime, cronJob: KubeObject, scheduled: Date): KubeObject | undefined {
  const template =
    field<{
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: unknown;
    }>(cronJob, "spec", "jobTemplate") ?? {};
  const name = `${cronJob.metadata.name ?? ""}-${Math.floor(scheduled.getTime() / 60_000)}`;
  try {
    const job = rt.ctx.api.create(R.jobs, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: cronJob.metadata.namespace ?? "default",
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: {
          ...(template.metadata?.annotations ?? {}),
          "batch.kubernetes.io/cronjob-scheduled-timestamp": scheduled
            .toISOString()
            .replace(/\.\d{3}Z$/, "Z"),
        },
        ownerReferences: [controllerRef(cronJob)],
      },
      spec: structuredClone(template.spec ?? {}),
    });
    recordEvent(rt, cronJob, { reason: "SuccessfulCreate", message: `Created job ${name}` });
    return job;
  } catch (err) {
    if (isAlreadyExists(err)) return undefined;
    throw err;
  }
}

const scheduledAt = (job: KubeObject): string =>
  job.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"] ??
  job.metadata.creationTimestamp ??
  "";

/** successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1): older finished Jobs are removed. */
function pruneHistory(rt: Runtime, cronJob: KubeObject, owned: KubeObject[]): KubeObject[] {
  const limits = {
    succeeded: field<number>(cronJob, "spec", "successfulJobsHistoryLimit") ?? 3,
    failed: field<number>(cronJob, "spec", "failedJobsHistoryLimit") ?? 1,
  };
  const removed = new Set<string>();
  for (const state of ["succeeded", "failed"] as const) {
    const done = owned
      .filter((j) => jobState(j) === state)
      .sort((a, b) => scheduledAt(a).localeCompare(scheduledAt(b)));
    for (const job of done.slice(0, Math.max(0, done.length - limits[state]))) {
      deleteIfExists(rt.ctx.api, R.jobs, job.metadata.namespace, job.metadata.name ?? "", {
        propagationPolicy: "Background",
      });
      removed.add(job.metadata.uid ?? "");
      recordEvent(rt, cronJob, {
        reason: "SuccessfulDelete",
        message: `Deleted job ${job.metadata.name ?? ""}`,
      });
    }
  }
  return owned.filter((j) => !removed.has(j.metadata.uid ?? ""));
}
