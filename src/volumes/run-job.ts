import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { KubeObject } from "../engine/kube-object.js";
import { lastProgress, parseMoverLine, type MoverLine, type MoverProgress } from "./mover-output.js";

const POD_TYPE = { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true } as const;

export interface RunJobOptions {
  readonly client: ClusterClient;
  readonly job: KubeObject;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** How often the Job is looked at (default 250 ms). */
  readonly pollMs?: number;
  /** Give up after this long (default 6 hours). */
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: MoverProgress) => void;
}

/**
 * Creates a mover Job (or adopts one of that name already running, after a controller
 * restart), follows its progress from the pod's log, and returns the mover's result from the
 * container's termination message. A Job that fails, or disappears (someone deleted it), is a
 * FerryError; the caller's status says where the cycle stopped so it resumes.
 */
export async function runMoverJob(options: RunJobOptions): Promise<MoverLine> {
  const { client, job, clock } = options;
  const namespace = job.metadata.namespace ?? "default";
  const name = job.metadata.name;
  const ref = { apiVersion: "batch/v1", kind: "Job", namespace, name };
  if ((await client.get(ref)) === undefined) await client.create(job);
  const started = clock.now().getTime();
  const timeout = options.timeoutMs ?? 6 * 3600_000;
  for (;;) {
    if (options.signal?.aborted === true) throw new FerryError("Aborted", `aborted while Job ${name} ran`);
    const state = await inspectMoverJob(client, namespace, name);
    if (state.state === "missing") {
      throw new FerryError(
        "Aborted",
        `mover Job ${namespace}/${name} on ${client.name} was deleted while it ran`,
        {
          data: { job: name },
        },
      );
    }
    if (state.state === "succeeded") return state.result;
    if (state.state === "failed") {
      throw new FerryError(
        "Remote",
        `mover Job ${namespace}/${name} on ${client.name} failed: ${state.why}`,
        {
          data: { job: name, ...(state.code === undefined ? {} : { moverCode: state.code }) },
        },
      );
    }
    const pod = state.pod;
    if (pod !== undefined && options.onProgress !== undefined && podRunning(pod)) {
      const log = await client.podLog(namespace, pod.metadata.name, { tailLines: 5 }).catch(() => "");
      const progress = lastProgress(log);
      if (progress !== undefined) options.onProgress(progress);
    }
    if (clock.now().getTime() - started > timeout) {
      throw new FerryError(
        "Timeout",
        `mover Job ${namespace}/${name} on ${client.name} did not finish in time`,
      );
    }
    await clock.sleep(options.pollMs ?? 250, options.signal);
  }
}

/** Where a mover Job stands, looked at once (for callers that do not wait for it). */
export type MoverJobState =
  | { readonly state: "missing" }
  | { readonly state: "running"; readonly pod?: KubeObject }
  | { readonly state: "succeeded"; readonly result: MoverLine & { readonly type: "result" } }
  | { readonly state: "failed"; readonly why: string; readonly code?: string };

/**
 * Looks at a mover Job once: gone, still running, or finished with the mover's result (read
 * from the termination message) or with why it failed (the mover's error code when it said).
 */
export async function inspectMoverJob(
  client: ClusterClient,
  namespace: string,
  name: string,
): Promise<MoverJobState> {
  const current = await client.get({ apiVersion: "batch/v1", kind: "Job", namespace, name });
  if (current === undefined) return { state: "missing" };
  const conditions = conditionsOf(current);
  const pod = await latestPod(client, namespace, name);
  if (!conditions.has("Complete") && !conditions.has("Failed"))
    return pod === undefined ? { state: "running" } : { state: "running", pod };
  const line = pod === undefined ? undefined : terminationLine(pod);
  if (conditions.has("Complete") && line?.type === "result") return { state: "succeeded", result: line };
  if (line?.type === "error")
    return { state: "failed", why: `${line.code}: ${line.message}`, code: line.code };
  const why = pod === undefined ? "no pod" : (terminationMessage(pod) ?? "no termination message");
  return { state: "failed", why };
}

function conditionsOf(job: KubeObject): Set<string> {
  const status = job["status"] as { conditions?: { type?: string; status?: string }[] } | undefined;
  return new Set((status?.conditions ?? []).filter((c) => c.status === "True").map((c) => c.type ?? ""));
}

async function latestPod(
  client: ClusterClient,
  namespace: string,
  job: string,
): Promise<KubeObject | undefined> {
  const pods = await client.list(POD_TYPE, { namespace, labelSelector: `job-name=${job}` });
  const created = (pod: KubeObject): string =>
    typeof pod.metadata["creationTimestamp"] === "string" ? pod.metadata["creationTimestamp"] : "";
  return pods.sort((a, b) => created(b).localeCompare(created(a)))[0];
}

function podRunning(pod: KubeObject): boolean {
  return (pod["status"] as { phase?: string } | undefined)?.phase === "Running";
}

function terminationMessage(pod: KubeObject): string | undefined {
  const statuses = (
    pod["status"] as { containerStatuses?: { state?: { terminated?: { message?: string } } }[] }
  )?.containerStatuses;
  return statuses?.[0]?.state?.terminated?.message;
}

function terminationLine(pod: KubeObject): MoverLine | undefined {
  const message = terminationMessage(pod);
  if (message === undefined) return undefined;
  // FallbackToLogsOnError may give several log lines: the result or error is the last object.
  const lines = message.trim().split("\n").reverse();
  for (const line of lines) {
    const parsed = parseMoverLine(line);
    if (parsed !== undefined && parsed.type !== "progress") return parsed;
  }
  return undefined;
}
