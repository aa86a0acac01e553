import { readFile } from "node:fs/promises";
import { mkdir, rm } from "node:fs/promises";
import type { KubeObject } from "../../api.js";
import { localPaths } from "../../paths.js";
import { defineController, kubeTime, type Runtime } from "../runtime/controller.js";
import { R } from "../runtime/gvr.js";
import { clone, field, isDeleting, keyOf, splitKey } from "../runtime/objects.js";
import { stableJson } from "../runtime/hash.js";
import { parseQuantity } from "../runtime/quantity.js";
import { resolveEnv, type ContainerEnvSpec } from "./env.js";
import { ferryArgv, isFerryImage } from "./ferry-image.js";
import { podDir, prepareMounts, unboundClaims, type MountContainer } from "./mounts.js";
import { podIP, podStatus, type ContainerState, type PodView } from "./pod-status.js";

interface Container extends ContainerEnvSpec, MountContainer {
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  terminationMessagePolicy?: string;
}

/** Annotation: how long a simulated (non-Ferry) run-to-completion pod runs, e.g. "2s" or "500ms". */
export const SIMULATED_DURATION = "ferry.dev/simulated-duration";
/** Annotation: the exit code a simulated run-to-completion pod ends with (default 0). */
export const SIMULATED_EXIT_CODE = "ferry.dev/simulated-exit-code";
/** Annotation: a long-running pod becomes Ready only after this long ("3s"), or "never". */
export const SIMULATED_READY_AFTER = "ferry.dev/simulated-ready-after";
const DEFAULT_SIMULATED_MS = 100;

/** The variables a Ferry process inherits from the machine; everything else comes from the pod. */
const INHERITED_ENV = ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT", "FERRY_FROM_SOURCE", "NODE_OPTIONS"];

export function durationMs(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SIMULATED_MS;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) return DEFAULT_SIMULATED_MS;
  const n = Number(m[1]);
  return m[2] === "m" ? n * 60_000 : m[2] === "s" ? n * 1000 : n;
}

/**
 * The simulated kubelet of the cluster's single node: binds pods to the node, makes
 * long-running pods Running and Ready at once, runs run-to-completion pods for a short
 * simulated time, and runs pods of Ferry's own image for real as child processes.
 */
export const kubelet = defineController("kubelet", (rt) => {
  const { api } = rt.ctx;
  const node = rt.ctx.node;
  const stopExits = node.onExit((spec) => rt.queue.add(spec.key));
  // The uid of each deleted pod, so its process and private files can be found afterwards.
  const gone = new Map<string, string>();
  const podKeysInNamespace = (namespace: string | undefined): string[] =>
    api
      .list(R.pods, namespace === undefined ? {} : { namespace })
      .filter((p) => field<string>(p, "status", "phase") === "Pending")
      .map(keyOf);
  return {
    watches: [
      {
        gvr: R.pods,
        keys: (e) => {
          if (e.type === "DELETED") gone.set(keyOf(e.object), e.object.metadata.uid ?? "");
          return [keyOf(e.object)];
        },
      },
      // A pod waiting for a claim, a Secret or a ConfigMap is retried when those change.
      { gvr: R.pvcs, keys: (e) => podKeysInNamespace(e.object.metadata.namespace) },
      { gvr: R.secrets, keys: (e) => podKeysInNamespace(e.object.metadata.namespace) },
      { gvr: R.configMaps, keys: (e) => podKeysInNamespace(e.object.metadata.namespace) },
    ],
    initialKeys: () => api.list(R.pods).map(keyOf),
    reconcile: (key) => reconcilePod(rt, key, gone),
    stop: () => {
      stopExits();
      return Promise.resolve();
    },
  };
});

async function reconcilePod(rt: Runtime, key: string, gone: Map<string, string>): Promise<void> {
  const { api } = rt.ctx;
  const node = rt.ctx.node;
  const { namespace, name } = splitKey(key);
  const pod = api.get(R.pods, namespace, name);
  if (pod === undefined) {
    const uid = gone.get(key);
    gone.delete(key);
    await stopPod(rt, { key, uid, pod: undefined });
    return;
  }
  if (isDeleting(pod)) {
    await stopPod(rt, { key, uid: pod.metadata.uid, pod });
    return;
  }
  const uid = pod.metadata.uid ?? "";
  const phase = field<string>(pod, "status", "phase");
  if (phase === "Succeeded" || phase === "Failed") return;
  const nodeName = field<string>(pod, "spec", "nodeName");
  if (nodeName !== undefined && nodeName !== node.name) return;
  const base = { now: rt.now(), hostIP: node.hostIP, podIP: podIP(uid) };
  const unbound = unboundClaims(api, pod);
  if (unbound.length > 0) {
    writeStatus(rt, pod, {
      ...base,
      phase: "Pending",
      state: {},
      unschedulable: unschedulableMessage(rt, pod, unbound),
    });
    return;
  }
  if (nodeName === undefined) {
    const bound = clone(pod);
    (bound["spec"] as Record<string, unknown>)["nodeName"] = node.name;
    api.update(R.pods, bound);
    return;
  }
  const containers = field<Container[]>(pod, "spec", "containers") ?? [];
  const ferry = containers.find((c) => isFerryImage(c.image));
  if (ferry !== undefined) {
    await reconcileFerryPod(rt, pod, ferry, base);
    return;
  }
  const restartPolicy = field<string>(pod, "spec", "restartPolicy") ?? "Always";
  const startedAt = field<string>(pod, "status", "startTime") ?? base.now;
  const elapse = (ms: number): void => {
    // One timer per pod: every status write brings this pod back here.
    if (node.timers.has(uid)) return;
    node.timers.add(uid);
    rt.queue.track(
      rt.clock.sleep(ms, rt.queue.signal).then(
        () => {
          node.timers.delete(uid);
          node.simulatedDone.add(uid);
          rt.queue.add(key);
        },
        () => undefined,
      ),
    );
  };
  if (restartPolicy === "Always") {
    const readyAfter = pod.metadata.annotations?.[SIMULATED_READY_AFTER];
    const ready = readyAfter === undefined || node.simulatedDone.has(uid);
    if (!ready && readyAfter !== "never") elapse(durationMs(readyAfter));
    writeStatus(rt, pod, { ...base, phase: "Running", notReady: !ready, state: { running: { startedAt } } });
    return;
  }
  if (node.simulatedDone.has(uid)) {
    node.simulatedDone.delete(uid);
    const exitCode = Number(pod.metadata.annotations?.[SIMULATED_EXIT_CODE] ?? "0") || 0;
    const terminated = {
      exitCode,
      reason: exitCode === 0 ? "Completed" : "Error",
      startedAt,
      finishedAt: base.now,
    };
    writeStatus(rt, pod, { ...base, phase: exitCode === 0 ? "Succeeded" : "Failed", state: { terminated } });
    return;
  }
  writeStatus(rt, pod, { ...base, phase: "Running", state: { running: { startedAt } } });
  elapse(durationMs(pod.metadata.annotations?.[SIMULATED_DURATION]));
}

/** The scheduler's words: a missing claim is named as such, an unbound one as unbound. */
function unschedulableMessage(rt: Runtime, pod: KubeObject, unbound: readonly string[]): string {
  const missing = unbound.find((c) => rt.ctx.api.get(R.pvcs, pod.metadata.namespace, c) === undefined);
  return missing !== undefined
    ? `0/1 nodes are available: persistentvolumeclaim "${missing}" not found.`
    : `0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims (${unbound.join(", ")}).`;
}

/** A real run of Ferry: start it once, report Running, then the exit as the container's termination. */
async function reconcileFerryPod(
  rt: Runtime,
  pod: KubeObject,
  container: Container,
  base: Omit<PodView, "phase" | "state">,
): Promise<void> {
  const { api, dataDir } = rt.ctx;
  const node = rt.ctx.node;
  const uid = pod.metadata.uid ?? "";
  const key = keyOf(pod);
  const exit = node.exits.get(uid);
  const startedAt = field<string>(pod, "status", "startTime") ?? base.now;
  const restartPolicy = field<string>(pod, "spec", "restartPolicy") ?? "Always";
  const restartCount = field<number>(pod, "status", "containerStatuses", "0", "restartCount") ?? 0;
  const lastState = field<ContainerState>(pod, "status", "containerStatuses", "0", "lastState");
  const history = { restartCount, ...(lastState === undefined ? {} : { lastState }) };
  if (exit !== undefined) {
    const message = await terminationMessage(rt, pod, container, exit.exitCode, exit.error);
    const terminated: NonNullable<ContainerState["terminated"]> = {
      exitCode: exit.exitCode,
      reason: exit.exitCode === 0 ? "Completed" : exit.error !== undefined ? "StartError" : "Error",
      startedAt: kubeTime(exit.startedAt),
      finishedAt: kubeTime(exit.finishedAt),
      containerID: `ferry://${uid}/${container.name}`,
      ...(message === "" ? {} : { message }),
    };
    node.exits.delete(uid);
    if (restartPolicy === "Always") {
      // A long-running pod's container is restarted after a back-off, as the kubelet does.
      const delay = Math.min(10_000 * 2 ** restartCount, 300_000);
      node.restartAt.set(uid, rt.clock.now().getTime() + delay);
      writeStatus(rt, pod, {
        ...base,
        phase: "Running",
        restartCount: restartCount + 1,
        lastState: { terminated },
        state: {
          waiting: {
            reason: "CrashLoopBackOff",
            message: `back-off ${delay / 1000}s restarting failed container=${container.name} pod=${pod.metadata.name ?? ""}`,
          },
        },
      });
      rt.queue.addAfter(key, delay);
      return;
    }
    writeStatus(rt, pod, {
      ...base,
      ...history,
      phase: exit.exitCode === 0 ? "Succeeded" : "Failed",
      state: { terminated },
    });
    return;
  }
  if (node.processes.has(uid)) return;
  const restartAt = node.restartAt.get(uid);
  if (restartAt !== undefined && rt.clock.now().getTime() < restartAt) return;
  node.restartAt.delete(uid);
  const wasRunning =
    field<unknown>(pod, "status", "containerStatuses", "0", "state", "running") !== undefined;
  if (wasRunning && restartPolicy !== "Always") {
    // It was running when the cluster stopped: the process is gone, as after a node reboot.
    const terminated = {
      exitCode: 137,
      reason: "Error",
      message: "the local cluster stopped while the container was running",
      startedAt,
      finishedAt: base.now,
    };
    writeStatus(rt, pod, { ...base, phase: "Failed", state: { terminated } });
    return;
  }
  const argv = ferryArgv(rt.ctx.ferryCommand, container);
  const env = resolveEnv(api, pod, container, { nodeName: node.name, podIP: base.podIP ?? "" });
  const mounts = argv.ok && env.ok ? await prepareMounts({ api, dataDir, pod, container }) : undefined;
  const problem = !argv.ok
    ? argv.message
    : !env.ok
      ? env.message
      : mounts?.ok === false
        ? mounts.message
        : undefined;
  if (problem !== undefined || !argv.ok || !env.ok || mounts === undefined || !mounts.ok) {
    const reason = argv.ok ? "CreateContainerConfigError" : "RunContainerError";
    writeStatus(rt, pod, {
      ...base,
      phase: "Pending",
      state: { waiting: { reason, message: problem ?? "" } },
    });
    return;
  }
  const own = podDir(dataDir, uid);
  const cwd =
    container.workingDir === undefined ? own : (mapPath(mounts.pathMap, container.workingDir) ?? own);
  await mkdir(cwd, { recursive: true });
  const inherited = Object.fromEntries(
    INHERITED_ENV.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] ?? ""]])),
  );
  node.processes.start({
    uid,
    key,
    argv: argv.argv,
    cwd,
    logFile: localPaths.podLog(dataDir, pod.metadata.namespace ?? "default", pod.metadata.name ?? ""),
    hostDirs: Object.values(mounts.pathMap),
    env: {
      ...inherited,
      HOSTNAME: pod.metadata.name ?? "",
      ...env.env,
      FERRY_PATH_MAP: JSON.stringify(mounts.pathMap),
    },
  });
  rt.log.info({ pod: key, argv: argv.argv.slice(rt.ctx.ferryCommand.length) }, "started ferry container");
  writeStatus(rt, pod, {
    ...base,
    ...history,
    ...(wasRunning ? { restartCount: restartCount + 1 } : {}),
    phase: "Running",
    state: { running: { startedAt: base.now } },
  });
}

/** The host path a container path maps to, through the longest matching mount. */
export function mapPath(pathMap: Record<string, string>, path: string): string | undefined {
  const mount = Object.keys(pathMap)
    .filter((m) => path === m || path.startsWith(m.endsWith("/") ? m : `${m}/`))
    .sort((a, b) => b.length - a.length)[0];
  return mount === undefined ? undefined : `${pathMap[mount] ?? ""}${path.slice(mount.length)}`;
}

/** terminationMessagePath's file, or the log's tail for FallbackToLogsOnError (as the kubelet). */
async function terminationMessage(
  rt: Runtime,
  pod: KubeObject,
  container: Container,
  exitCode: number,
  startError: string | undefined,
): Promise<string> {
  if (startError !== undefined) return startError;
  const own = podDir(rt.ctx.dataDir, pod.metadata.uid ?? "");
  const written = await readFile(`${own}/termination/${container.name}`, "utf8").catch(() => "");
  if (written !== "") return written.slice(0, 4096);
  if (container.terminationMessagePolicy === "FallbackToLogsOnError" && exitCode !== 0) {
    const log = await readFile(
      localPaths.podLog(rt.ctx.dataDir, pod.metadata.namespace ?? "default", pod.metadata.name ?? ""),
      "utf8",
    ).catch(() => "");
    return log.split("\n").slice(-80).join("\n").slice(-2048);
  }
  return "";
}

/** Kills the process of a deleted (or deleting) pod; a deleted pod's private files go too. */
async function stopPod(
  rt: Runtime,
  target: { key: string; uid: string | undefined; pod: KubeObject | undefined },
): Promise<void> {
  const node = rt.ctx.node;
  const uids = new Set(
    node.processes
      .list()
      .filter((p) => p.key === target.key)
      .map((p) => p.uid),
  );
  if (target.uid !== undefined) uids.add(target.uid);
  const graceSeconds =
    parseQuantity(field<number>(target.pod, "spec", "terminationGracePeriodSeconds")) ?? 30;
  for (const uid of uids) {
    await node.processes.kill(uid, graceSeconds * 1000);
    if (target.pod !== undefined) continue;
    node.exits.delete(uid);
    node.simulatedDone.delete(uid);
    node.timers.delete(uid);
    node.restartAt.delete(uid);
    await rm(podDir(rt.ctx.dataDir, uid), { recursive: true, force: true });
  }
}

/** Writes status only when it changed, so reconciling twice writes nothing the second time. */
function writeStatus(rt: Runtime, pod: KubeObject, view: PodView): void {
  const status = podStatus(pod, view);
  if (stableJson(status) === stableJson(pod["status"])) return;
  rt.ctx.api.updateStatus(R.pods, { ...pod, status });
}
