import type { KubeObject } from "../../api.js";
import { setCondition, type Condition } from "../runtime/conditions.js";
import { field } from "../runtime/objects.js";

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    reason: string;
    message?: string;
    startedAt: string;
    finishedAt: string;
    containerID?: string;
    signal?: number;
  };
}

/** What the simulated kubelet knows about a pod; `podStatus` turns it into `.status`. */
export interface PodView {
  readonly phase: "Pending" | "Running" | "Succeeded" | "Failed";
  readonly now: string;
  readonly hostIP: string;
  readonly podIP?: string;
  readonly state: ContainerState;
  /** Running but not (yet) Ready: a simulated readiness delay. */
  readonly notReady?: boolean;
  /** Pending because it cannot be scheduled (e.g. an unbound PVC). */
  readonly unschedulable?: string;
  readonly reason?: string;
  readonly message?: string;
  /** Restarts of the (first) container so far, and how it ended last time. */
  readonly restartCount?: number;
  readonly lastState?: ContainerState;
}

interface ContainerSpec {
  name: string;
  image?: string;
}

/**
 * The pod status the real kubelet would write for `view`: phase, the conditions that
 * `kubectl wait --for=condition=Ready` reads, podIP(s) and one status per container.
 */
export function podStatus(pod: KubeObject, view: PodView): Record<string, unknown> {
  const previous = (pod["status"] ?? {}) as Record<string, unknown>;
  let conditions = (previous["conditions"] ?? []) as Condition[];
  const set = (type: string, ok: boolean, reason?: string, message?: string): void => {
    conditions = setCondition(
      conditions,
      {
        type,
        status: ok ? "True" : "False",
        lastProbeTime: null,
        ...(reason === undefined ? {} : { reason }),
        ...(message === undefined ? {} : { message }),
      },
      view.now,
    );
  };
  if (view.unschedulable !== undefined) {
    set("PodScheduled", false, "Unschedulable", view.unschedulable);
    return { phase: "Pending", conditions, qosClass: "BestEffort" };
  }
  const started = view.phase !== "Pending";
  const ready = view.phase === "Running" && view.state.running !== undefined && view.notReady !== true;
  const completed = view.phase === "Succeeded" || view.phase === "Failed";
  const notReadyReason = completed ? "PodCompleted" : "ContainersNotReady";
  set("PodReadyToStartContainers", true);
  set("Initialized", true);
  set("Ready", ready, ready ? undefined : notReadyReason);
  set("ContainersReady", ready, ready ? undefined : notReadyReason);
  set("PodScheduled", true);
  const containers = field<ContainerSpec[]>(pod, "spec", "containers") ?? [];
  const initContainers = field<ContainerSpec[]>(pod, "spec", "initContainers") ?? [];
  const startTime = (previous["startTime"] as string | undefined) ?? view.now;
  const status: Record<string, unknown> = {
    phase: view.phase,
    conditions,
    hostIP: view.hostIP,
    hostIPs: [{ ip: view.hostIP }],
    startTime,
    qosClass: "BestEffort",
    containerStatuses: containers.map((c, i) => ({
      ...containerStatus(c, pod, view.state, ready, started),
      ...(i === 0 && view.restartCount !== undefined ? { restartCount: view.restartCount } : {}),
      ...(i === 0 && view.lastState !== undefined ? { lastState: view.lastState } : {}),
    })),
  };
  if (initContainers.length > 0) {
    status["initContainerStatuses"] = initContainers.map((c) =>
      containerStatus(c, pod, { terminated: initDone(startTime) }, false, true),
    );
  }
  if (view.podIP !== undefined) {
    status["podIP"] = view.podIP;
    status["podIPs"] = [{ ip: view.podIP }];
  }
  if (view.reason !== undefined) status["reason"] = view.reason;
  if (view.message !== undefined) status["message"] = view.message;
  return status;
}

const initDone = (at: string): NonNullable<ContainerState["terminated"]> => ({
  exitCode: 0,
  reason: "Completed",
  startedAt: at,
  finishedAt: at,
});

function containerStatus(
  container: ContainerSpec,
  pod: KubeObject,
  state: ContainerState,
  ready: boolean,
  started: boolean,
): Record<string, unknown> {
  const image = container.image ?? "";
  return {
    name: container.name,
    image,
    imageID: image,
    containerID: `ferry://${pod.metadata.uid ?? ""}/${container.name}`,
    ready,
    started: started && state.terminated === undefined,
    restartCount: 0,
    state,
  };
}

/** A stable, unique-looking pod IP in 10.244.0.0/16, derived from the pod's uid. */
export function podIP(uid: string): string {
  let h = 0;
  for (const ch of uid) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `10.244.${(h >>> 8) % 256}.${(h % 253) + 2}`;
}
