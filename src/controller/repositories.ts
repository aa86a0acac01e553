/**
 * Replication repositories by name, opened on first use from the desired state's
 * ReplicationRepository manifests (credentials and keys from the environment variables the
 * manifests name) and kept open while their spec stays the same.
 */
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { DesiredState } from "../manifests/types.js";
import { openReplicationRepository, type Repository } from "../repository/repository.js";

export interface RepositoryOpener {
  /** `repositoryFor` over the given desired state. */
  forState(state: DesiredState): (name: string) => Promise<Repository>;
  close(): void;
}

export function repositoryOpener(options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative filesystem paths. */
  readonly baseDir: string;
  readonly clock: Clock;
}): RepositoryOpener {
  const open = new Map<string, { key: string; repo: Promise<Repository & { close(): void }> }>();
  return {
    forState: (state) => async (name) => {
      const manifest = state.get("ReplicationRepository", name)?.manifest;
      if (manifest === undefined) {
        throw new FerryError("NotFound", `ReplicationRepository ${name} does not exist`);
      }
      const key = JSON.stringify(manifest.spec);
      const hit = open.get(name);
      if (hit !== undefined && hit.key === key) return hit.repo;
      if (hit !== undefined)
        void hit.repo.then(
          (r) => r.close(),
          () => undefined,
        );
      const repo = openReplicationRepository(manifest.spec, {
        env: options.env,
        baseDir: options.baseDir,
        clock: options.clock,
        create: true,
      });
      open.set(name, { key, repo });
      repo.catch(() => open.delete(name));
      return repo;
    },
    close() {
      for (const { repo } of open.values())
        void repo.then(
          (r) => r.close(),
          () => undefined,
        );
      open.clear();
    },
  };
}
