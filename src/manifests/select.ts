import type { Kind } from "./types.js";

/** The top-level folders of a desired-state repo. */
export const DESIRED_STATE_ROOTS = ["clusters", "policies", "environments"] as const;
export type DesiredStateRoot = (typeof DESIRED_STATE_ROOTS)[number];

const YAML_FILE = /\.ya?ml$/;

/**
 * Which folder a path belongs to if it is a desired-state file: `clusters/*.yaml`,
 * `policies/*.yaml`, `environments/<env>/**\/*.yaml` (`.yml` too). Hidden files and folders
 * are skipped, as are other files (READMEs, workflows).
 */
export function desiredStateRoot(path: string): DesiredStateRoot | undefined {
  if (!YAML_FILE.test(path)) return undefined;
  const parts = path.split("/");
  if (parts.some((p) => p.startsWith(".") || p === "")) return undefined;
  const [root] = parts;
  if ((root === "clusters" || root === "policies") && parts.length === 2) return root;
  if (root === "environments" && parts.length >= 3) return root;
  return undefined;
}

/** The environment (`prod`) of a file under `environments/`, or undefined. */
export function environmentOf(path: string): string | undefined {
  const parts = path.split("/");
  return parts[0] === "environments" && parts.length >= 3 ? parts[1] : undefined;
}

/** Where each kind is expected to live; elsewhere earns a warning, not an error. */
export const HOME_OF_KIND: Readonly<Record<Kind, DesiredStateRoot>> = {
  Cluster: "clusters",
  Fleet: "clusters",
  ReplicationRepository: "clusters",
  SchedulePolicy: "policies",
  Migration: "environments",
  MigrationSchedule: "environments",
  VolumeGroup: "environments",
  VolumeReplication: "environments",
};
