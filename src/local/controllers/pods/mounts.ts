import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubeObject, LocalApi } from "../../api.js";
import { localPaths } from "../../paths.js";
import { R } from "../runtime/gvr.js";
import { field } from "../runtime/objects.js";

interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string };
  emptyDir?: object;
  configMap?: { name?: string; items?: { key: string; path: string }[]; optional?: boolean };
  secret?: { secretName?: string; items?: { key: string; path: string }[]; optional?: boolean };
}

interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
}

export interface MountContainer {
  name: string;
  volumeMounts?: VolumeMount[];
  terminationMessagePath?: string;
}

/** Where a pod's private files (emptyDirs, projected ConfigMaps, termination logs) live. */
export const podDir = (dataDir: string, uid: string): string => join(dataDir, "pods", uid);

/** A PersistentVolume's directory on this machine. */
export function volumeDir(dataDir: string, pv: KubeObject): string {
  return (
    field<string>(pv, "spec", "hostPath", "path") ??
    field<string>(pv, "spec", "local", "path") ??
    localPaths.volume(dataDir, pv.metadata.name ?? "")
  );
}

/** The PVCs a pod mounts that are not Bound yet: the scheduler waits for them. */
export function unboundClaims(api: LocalApi, pod: KubeObject): string[] {
  const volumes = field<Volume[]>(pod, "spec", "volumes") ?? [];
  return volumes
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((claim): claim is string => claim !== undefined)
    .filter((claim) => {
      const pvc = api.get(R.pvcs, pod.metadata.namespace, claim);
      return field<string>(pvc, "status", "phase") !== "Bound";
    });
}

export type PreparedMounts =
  { ok: true; pathMap: Record<string, string>; terminationFile: string } | { ok: false; message: string };

/**
 * Makes the host directories for a container's mounts and returns the path map
 * {mountPath: hostPath} handed to the process as FERRY_PATH_MAP. PVCs resolve to their PV's
 * directory, emptyDirs to a directory of the pod's own, ConfigMaps and Secrets are written
 * out as files; the termination-message path maps to a file read back after exit.
 */
export async function prepareMounts(options: {
  api: LocalApi;
  dataDir: string;
  pod: KubeObject;
  container: MountContainer;
}): Promise<PreparedMounts> {
  const { api, dataDir, pod, container } = options;
  const namespace = pod.metadata.namespace ?? "default";
  const own = podDir(dataDir, pod.metadata.uid ?? "");
  const volumes = new Map((field<Volume[]>(pod, "spec", "volumes") ?? []).map((v) => [v.name, v]));
  const pathMap: Record<string, string> = {};
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (volume === undefined)
      return { ok: false, message: `volume "${mount.name}" is not defined in the pod` };
    let hostDir: string;
    if (volume.persistentVolumeClaim !== undefined) {
      const pvc = api.get(R.pvcs, namespace, volume.persistentVolumeClaim.claimName);
      const pvName = field<string>(pvc, "spec", "volumeName");
      const pv = pvName === undefined ? undefined : api.get(R.pvs, undefined, pvName);
      if (pv === undefined) {
        return {
          ok: false,
          message: `persistentvolumeclaim "${volume.persistentVolumeClaim.claimName}" is not bound`,
        };
      }
      hostDir = volumeDir(dataDir, pv);
    } else if (volume.emptyDir !== undefined) {
      hostDir = join(own, "volumes", volume.name);
    } else if (volume.configMap !== undefined || volume.secret !== undefined) {
      hostDir = join(own, "volumes", volume.name);
      const written = await writeKeys(api, namespace, volume, hostDir);
      if (written !== undefined) return { ok: false, message: written };
    } else {
      return {
        ok: false,
        message: `volume "${volume.name}": only persistentVolumeClaim, emptyDir, configMap and secret volumes are supported locally`,
      };
    }
    await mkdir(hostDir, { recursive: true });
    pathMap[mount.mountPath] = mount.subPath === undefined ? hostDir : join(hostDir, mount.subPath);
    if (mount.subPath !== undefined) await mkdir(join(hostDir, mount.subPath), { recursive: true });
  }
  const terminationFile = join(own, "termination", container.name);
  await mkdir(join(own, "termination"), { recursive: true });
  await writeFile(terminationFile, "");
  pathMap[container.terminationMessagePath ?? "/dev/termination-log"] = terminationFile;
  return { ok: true, pathMap, terminationFile };
}

/** Writes a ConfigMap's or Secret's keys as files; returns an error message when it is missing. */
async function writeKeys(
  api: LocalApi,
  namespace: string,
  volume: Volume,
  dir: string,
): Promise<string | undefined> {
  const isSecret = volume.secret !== undefined;
  const name = isSecret ? volume.secret?.secretName : volume.configMap?.name;
  const source = isSecret ? volume.secret : volume.configMap;
  const object = api.get(isSecret ? R.secrets : R.configMaps, namespace, name ?? "");
  await mkdir(dir, { recursive: true });
  if (object === undefined) {
    return source?.optional === true
      ? undefined
      : `${isSecret ? "secret" : "configmap"} "${name ?? ""}" not found`;
  }
  const data = (object["data"] ?? {}) as Record<string, string>;
  const items = source?.items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const item of items) {
    const value = data[item.key];
    if (value === undefined) continue;
    await writeFile(join(dir, item.path), isSecret ? Buffer.from(value, "base64") : value, {
      mode: isSecret ? 0o600 : 0o644,
    });
  }
  return undefined;
}
