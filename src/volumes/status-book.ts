import type { ReplicationCondition, ReplicationEvent, VolumeReplicationStatus } from "./types.js";

/** A patch: any field, `undefined` to remove it. */
export type StatusPatch = {
  -readonly [K in keyof VolumeReplicationStatus]?: VolumeReplicationStatus[K] | undefined;
};

/**
 * The status being built by one reconcile. Every change is reported as a Status event, so
 * the controller can persist each state transition as it happens and a crash anywhere
 * resumes from the last recorded state.
 */
export class StatusBook {
  private current: VolumeReplicationStatus;

  constructor(
    initial: VolumeReplicationStatus,
    private readonly onEvent: ((event: ReplicationEvent) => void) | undefined,
  ) {
    this.current = initial;
  }

  get status(): VolumeReplicationStatus {
    return this.current;
  }

  /** Merges `patch`; keys set to undefined are removed. */
  update(patch: StatusPatch): void {
    const next: Record<string, unknown> = { ...this.current, ...patch };
    for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k];
    this.current = next as unknown as VolumeReplicationStatus;
    this.onEvent?.({ type: "Status", status: this.current });
  }

  /** Sets a condition, keeping its transition time when the status does not change. */
  condition(condition: Omit<ReplicationCondition, "lastTransitionTime">, at: Date): void {
    const previous = this.current.conditions.find((c) => c.type === condition.type);
    const lastTransitionTime =
      previous !== undefined && previous.status === condition.status
        ? previous.lastTransitionTime
        : at.toISOString();
    this.update({
      conditions: [
        ...this.current.conditions.filter((c) => c.type !== condition.type),
        { ...condition, lastTransitionTime },
      ],
    });
  }
}
