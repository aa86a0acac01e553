import { randomBytes } from "node:crypto";
import type { KubeObject } from "../../api.js";
import { R } from "./gvr.js";
import type { Runtime } from "./controller.js";

export interface EventSpec {
  readonly type?: "Normal" | "Warning";
  readonly reason: string;
  readonly message: string;
}

/**
 * Records a core/v1 Event about `object`, as the real controllers do, so `kubectl describe`
 * shows what happened. Events are best effort: a failure to record one is only logged.
 */
export function recordEvent(rt: Runtime, object: KubeObject, event: EventSpec): void {
  const now = rt.now();
  const name = object.metadata.name ?? "";
  const namespace = object.metadata.namespace ?? "default";
  try {
    rt.ctx.api.create(R.events, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${name}.${randomBytes(8).toString("hex")}`, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      type: event.type ?? "Normal",
      reason: event.reason,
      message: event.message,
      source: { component: "ferry-local", host: `${rt.ctx.clusterName}-node` },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: "ferry-local",
      reportingInstance: rt.ctx.clusterName,
    });
  } catch (err) {
    rt.log.debug({ err: String(err), reason: event.reason }, "could not record event");
  }
}
