/**
 * Ferry's own container image. A pod whose container runs this image (any tag or digest)
 * runs for real on a local cluster, as a child process of Ferry: this is how Ferry's volume
 * mover runs "on the cluster" without a container runtime.
 */
export const FERRY_IMAGE = "ghcr.io/ferry-dev/ferry";

/** True for `ghcr.io/ferry-dev/ferry`, `…:v1.2.3`, `…:dev` and `…@sha256:…`. */
export function isFerryImage(image: unknown): boolean {
  if (typeof image !== "string") return false;
  const withoutDigest = image.split("@")[0] ?? "";
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  const repository = colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
  return repository === FERRY_IMAGE;
}

/**
 * The argv a Ferry container runs: the image's entrypoint is `ferry`, so `command` may be
 * absent or name `ferry` (any path ending in /ferry); anything else is not in the image.
 */
export function ferryArgv(
  ferryCommand: readonly string[],
  container: { command?: string[]; args?: string[] },
): { ok: true; argv: string[] } | { ok: false; message: string } {
  const args = container.args ?? [];
  const command = container.command ?? [];
  const first = command[0];
  if (first === undefined) return { ok: true, argv: [...ferryCommand, ...args] };
  if (first === "ferry" || first.endsWith("/ferry")) {
    return { ok: true, argv: [...ferryCommand, ...command.slice(1), ...args] };
  }
  return {
    ok: false,
    message: `exec: "${first}": executable file not found in $PATH (the ${FERRY_IMAGE} image runs only ferry)`,
  };
}
