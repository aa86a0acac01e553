import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { FerryError, errorMessage } from "../core/errors.js";
import { parseQuantity } from "../engine/quantity.js";
import { claimCapacityBytes, claimRef, requestedBytes } from "./cluster-objects.js";

/**
 * Grows a claim through the API (volume expansion) and waits until its capacity shows the
 * new size. A claim already that large is left alone. The cluster refuses expansion when the
 * class does not allow it; that refusal is an Invalid error naming the claim.
 */
export async function growClaim(options: {
  readonly client: ClusterClient;
  readonly namespace: string;
  readonly claim: string;
  readonly size: string;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}): Promise<"grown" | "unchanged"> {
  const { client, namespace, claim, size } = options;
  const parsed = parseQuantity(size);
  if (!parsed.ok) throw new FerryError("Invalid", `size of claim ${claim}: ${parsed.error}`);
  const want = parsed.value;
  const ref = claimRef(namespace, claim);
  const current = await client.get(ref);
  if (current === undefined)
    throw new FerryError("NotFound", `claim ${namespace}/${claim} does not exist on ${client.name}`);
  let changed = false;
  if (requestedBytes(current) < want) {
    try {
      await client.mergePatch(ref, { spec: { resources: { requests: { storage: size } } } });
      changed = true;
    } catch (cause) {
      throw new FerryError(
        "Invalid",
        `${client.name} refused to grow claim ${namespace}/${claim} to ${size}: ${errorMessage(cause)}`,
        { cause, data: { claim, cluster: client.name } },
      );
    }
  }
  const deadline = options.clock.now().getTime() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const now = await client.get(ref);
    if (now !== undefined && claimCapacityBytes(now) >= want) return changed ? "grown" : "unchanged";
    if (options.clock.now().getTime() > deadline) {
      throw new FerryError("Timeout", `claim ${namespace}/${claim} on ${client.name} did not reach ${size}`);
    }
    await options.clock.sleep(100, options.signal);
  }
}
