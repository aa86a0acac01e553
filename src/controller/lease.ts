/**
 * Leader election with a coordination.k8s.io/v1 Lease on a management cluster, as
 * client-go's leaderelection does it: the leader renews `renewTime` every retry period; a
 * candidate takes the lease over once `renewTime + leaseDurationSeconds` has passed; every
 * write carries the resourceVersion read, so two candidates never both win (the loser gets a
 * Conflict). A leader that cannot renew stops acting at once. Release on graceful shutdown
 * clears the holder so a standby takes over without waiting for the lease to expire.
 */
import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { errorMessage, isFerryError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { KubeObject } from "../engine/kube-object.js";

export interface LeaseOptions {
  readonly client: ClusterClient;
  readonly namespace: string;
  readonly name: string;
  /** This replica's identity (pod name), written as holderIdentity. */
  readonly identity: string;
  /** Default 15 s. */
  readonly leaseDurationSeconds?: number;
  /** How often to renew or try to acquire; default a third of the lease duration. */
  readonly retryPeriodMs?: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when leadership is gained or lost. */
  readonly onChange?: (leader: boolean) => void;
}

export interface LeaderElector {
  isLeader(): boolean;
  /** Acquire or renew once (the loop calls this every retry period). */
  tick(): Promise<boolean>;
  /** Runs `tick` every retry period until `signal` aborts, then releases the lease. */
  run(signal: AbortSignal): Promise<void>;
  /** Gives the lease up if held. */
  release(): Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

type LeaseObject = KubeObject & { spec?: LeaseSpec };

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export function createLeaderElector(options: LeaseOptions): LeaderElector {
  const duration = options.leaseDurationSeconds ?? 15;
  const retry = options.retryPeriodMs ?? Math.max(200, Math.floor((duration * 1000) / 3));
  const { client, clock, logger } = options;
  const ref = {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    namespace: options.namespace,
    name: options.name,
  };
  let leader = false;
  const set = (value: boolean): boolean => {
    if (value !== leader) {
      leader = value;
      logger.info(
        { lease: `${options.namespace}/${options.name}`, identity: options.identity, leader },
        leader ? "became leader" : "not the leader",
      );
      options.onChange?.(value);
    }
    return value;
  };

  const tick = async (): Promise<boolean> => {
    const now = clock.now();
    try {
      const live = (await client.get(ref)) as LeaseObject | undefined;
      if (live === undefined) {
        await client.create({
          ...ref,
          metadata: { name: options.name, namespace: options.namespace },
          spec: {
            holderIdentity: options.identity,
            leaseDurationSeconds: duration,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        return set(true);
      }
      const spec = live.spec ?? {};
      const holder = spec.holderIdentity ?? "";
      const renewed = spec.renewTime === undefined ? 0 : Date.parse(spec.renewTime);
      const expired = renewed + (spec.leaseDurationSeconds ?? duration) * 1000 <= now.getTime();
      if (holder !== options.identity && holder !== "" && !expired) return set(false);
      const takeover = holder !== options.identity;
      await client.replace({
        ...live,
        spec: {
          ...spec,
          holderIdentity: options.identity,
          leaseDurationSeconds: duration,
          renewTime: microTime(now),
          ...(takeover
            ? {
                acquireTime: microTime(now),
                // As client-go: every change of holder is a transition.
                leaseTransitions: (spec.leaseTransitions ?? 0) + 1,
              }
            : {}),
        },
      });
      return set(true);
    } catch (e) {
      if (!isFerryError(e, "Conflict")) {
        logger.warn({ lease: options.name, error: errorMessage(e) }, "lease update failed");
      }
      // Someone else wrote the lease first, or the cluster is unreachable: do not act.
      return set(false);
    }
  };

  const release = async (): Promise<void> => {
    if (!leader) return;
    set(false);
    try {
      const live = (await client.get(ref)) as LeaseObject | undefined;
      if (live?.spec?.holderIdentity !== options.identity) return;
      await client.replace({
        ...live,
        spec: {
          ...live.spec,
          holderIdentity: "",
          leaseDurationSeconds: 1,
          renewTime: microTime(clock.now()),
        },
      });
    } catch (e) {
      logger.warn({ lease: options.name, error: errorMessage(e) }, "lease release failed");
    }
  };

  return {
    isLeader: () => leader,
    tick,
    release,
    async run(signal) {
      while (!signal.aborted) {
        await tick();
        try {
          await clock.sleep(retry, signal);
        } catch {
          break;
        }
      }
      await release();
    },
  };
}
