/**
 * The controller's volume wiring: for each desired state, where mover Jobs reach each
 * ReplicationRepository (secret values from the controller's environment, by the variable
 * names the manifests give) — for VolumeReplications and for Migrations' `includeVolumes`.
 * Movers are kept while a repository's spec stays the same.
 */
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { VolumeDataMover } from "../engine/run/volume-mover.js";
import type { ExecutorVolumes } from "../gitops/executor/replicate-volumes.js";
import type { DesiredState, ReplicationRepositorySpec } from "../manifests/types.js";
import type { DriverOptions } from "../volumes/context.js";
import { createVolumeDataMover } from "../volumes/data-mover.js";
import { moverRepositoryAccess, type MoverRepositoryAccess } from "../volumes/repository-location.js";

/** The embedded default repository: a folder under the base directory. */
const EMBEDDED_DEFAULT: ReplicationRepositorySpec = { filesystem: { path: ".ferry/repository" } };

export interface VolumeWiring {
  forState(state: DesiredState): ExecutorVolumes & {
    /** The mover for Migrations through this repository (undefined when it does not exist). */
    moverFor(repository: string): VolumeDataMover | undefined;
  };
}

export function volumeWiring(options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative filesystem repository paths. */
  readonly baseDir: string;
  readonly clock: Clock;
  readonly driver?: DriverOptions;
}): VolumeWiring {
  const movers = new Map<string, { key: string; mover: VolumeDataMover }>();
  // Local clusters run mover Jobs as processes: from the sources when the controller runs from them.
  const fromSource = options.env["FERRY_FROM_SOURCE"];
  const driver: DriverOptions = {
    ...(fromSource === undefined ? {} : { moverEnv: { FERRY_FROM_SOURCE: fromSource } }),
    ...options.driver,
  };
  return {
    forState(state) {
      const accessFor = (name: string): MoverRepositoryAccess => {
        // A VolumeReplication's `repository` is optional: without a ReplicationRepository
        // `default`, the embedded default (as `ferry replicate` and `ferry migrate` use).
        const spec =
          state.get("ReplicationRepository", name)?.manifest.spec ??
          (name === "default" ? EMBEDDED_DEFAULT : undefined);
        if (spec === undefined)
          throw new FerryError("NotFound", `ReplicationRepository ${name} does not exist`);
        return moverRepositoryAccess(spec, { env: options.env, baseDir: options.baseDir });
      };
      return {
        accessFor,
        options: driver,
        moverFor(name) {
          const manifest = state.get("ReplicationRepository", name)?.manifest;
          if (manifest === undefined) return undefined;
          const key = JSON.stringify(manifest.spec);
          const hit = movers.get(name);
          if (hit !== undefined && hit.key === key) return hit.mover;
          const mover = createVolumeDataMover({
            repository: accessFor(name),
            clock: options.clock,
            options: driver,
          });
          movers.set(name, { key, mover });
          return mover;
        },
      };
    },
  };
}
