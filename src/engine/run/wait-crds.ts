/**
 * Custom resources are refused until their CRD is Established, so a restore polls the
 * target's CRDs between the CRD tier and the rest, on the injected clock, until each
 * reports `Established=True` or the deadline passes.
 */
import type { ClusterClient } from "../../cluster/port.js";
import type { Clock } from "../../core/clock.js";
import { FerryError } from "../../core/errors.js";
import { isRecord, type KubeObject } from "../kube-object.js";

export interface WaitCrdsInput {
  readonly client: ClusterClient;
  readonly crds: readonly string[];
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** Default 60 s. */
  readonly timeoutMs?: number;
  /** Default 100 ms. */
  readonly intervalMs?: number;
}

/** Resolves when every CRD is Established; Timeout error naming those that are not. */
export async function waitCrdsEstablished(input: WaitCrdsInput): Promise<void> {
  const deadline = input.clock.now().getTime() + (input.timeoutMs ?? 60_000);
  let pending = [...input.crds];
  for (;;) {
    const states = await Promise.all(
      pending.map((name) =>
        input.client.get({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name }),
      ),
    );
    pending = pending.filter((_, i) => !established(states[i]));
    if (pending.length === 0) return;
    if (input.clock.now().getTime() >= deadline) {
      throw new FerryError("Timeout", `CRDs not Established on ${input.client.name}: ${pending.join(", ")}`, {
        data: { cluster: input.client.name, crds: pending },
      });
    }
    await input.clock.sleep(input.intervalMs ?? 100, input.signal);
  }
}

function established(crd: KubeObject | undefined): boolean {
  const status = crd?.["status"];
  const conditions = isRecord(status) && Array.isArray(status["conditions"]) ? status["conditions"] : [];
  return conditions.some((c) => isRecord(c) && c["type"] === "Established" && c["status"] === "True");
}
