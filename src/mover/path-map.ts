import { FerryError } from "../core/errors.js";

/** Container mount path → host directory, from the Job runner of local clusters. */
export type PathMap = Readonly<Record<string, string>>;

/**
 * Rewrites a path the mover was given (source, target, /dev/termination-log) through the
 * map: the longest mount path that equals `path` or is a parent of it is replaced by its
 * host directory. On a real cluster the map is absent and paths stay as they are.
 */
export function mapPath(path: string, map: PathMap | undefined): string {
  if (map === undefined) return path;
  let best: string | undefined;
  for (const mount of Object.keys(map)) {
    const m = mount.length > 1 && mount.endsWith("/") ? mount.slice(0, -1) : mount;
    const covers = path === m || path.startsWith(m === "/" ? "/" : `${m}/`);
    if (covers && (best === undefined || m.length > best.length)) best = m;
  }
  if (best === undefined) return path;
  const host = map[best] ?? map[`${best}/`]!;
  const rest = path.slice(best === "/" ? 0 : best.length);
  if (rest === "" || rest === "/") return host;
  return `${host.endsWith("/") ? host.slice(0, -1) : host}${rest.startsWith("/") ? rest : `/${rest}`}`;
}

/** Parses the FERRY_PATH_MAP variable: a JSON object of absolute mount path → host directory. */
export function parsePathMap(value: string | undefined): PathMap | undefined {
  if (value === undefined || value === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new FerryError("Usage", 'FERRY_PATH_MAP is not valid JSON (expected {"/mount/path": "/host/dir"})');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new FerryError("Usage", "FERRY_PATH_MAP must be a JSON object of mount path → host directory");
  }
  const out: Record<string, string> = {};
  for (const [mount, host] of Object.entries(parsed)) {
    if (!mount.startsWith("/") || typeof host !== "string" || host === "") {
      throw new FerryError(
        "Usage",
        `FERRY_PATH_MAP entry ${JSON.stringify(mount)}: mount paths must be absolute and map to a directory`,
      );
    }
    out[mount] = host;
  }
  return out;
}
