import type { KubeObject, LocalApi } from "../../api.js";
import { R } from "../runtime/gvr.js";
import { field } from "../runtime/objects.js";

interface KeyRef {
  name?: string;
  key: string;
  optional?: boolean;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: KeyRef;
    configMapKeyRef?: KeyRef;
    fieldRef?: { fieldPath: string };
  };
}

interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

export interface ContainerEnvSpec {
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
}

export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/** A ConfigMap's or Secret's data as strings (Secret data is base64, as stored). */
function dataOf(api: LocalApi, kind: "secret" | "configmap", namespace: string, name: string) {
  const object = api.get(kind === "secret" ? R.secrets : R.configMaps, namespace, name);
  if (object === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((object["data"] ?? {}) as Record<string, string>)) {
    out[k] = kind === "secret" ? Buffer.from(v, "base64").toString("utf8") : v;
  }
  if (kind === "configmap") {
    for (const [k, v] of Object.entries((object["binaryData"] ?? {}) as Record<string, string>)) {
      out[k] = Buffer.from(v, "base64").toString("utf8");
    }
  }
  return out;
}

function fieldPath(pod: KubeObject, path: string, nodeName: string, podIP: string): string | undefined {
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return (pod.metadata[label[1] as "labels" | "annotations"] ?? {})[label[2] ?? ""];
  switch (path) {
    case "metadata.name":
      return pod.metadata.name;
    case "metadata.namespace":
      return pod.metadata.namespace;
    case "metadata.uid":
      return pod.metadata.uid;
    case "spec.nodeName":
      return nodeName;
    case "spec.serviceAccountName":
      return field<string>(pod, "spec", "serviceAccountName") ?? "default";
    case "status.podIP":
      return podIP;
    case "status.hostIP":
      return "127.0.0.1";
    default:
      return undefined;
  }
}

/**
 * A container's environment as the kubelet builds it: `envFrom` first, then `env` (later
 * entries win), `valueFrom` resolved from the cluster's Secrets, ConfigMaps and the pod's
 * fields. A missing, non-optional reference is a CreateContainerConfigError, as in Kubernetes.
 */
export function resolveEnv(
  api: LocalApi,
  pod: KubeObject,
  container: ContainerEnvSpec,
  where: { nodeName: string; podIP: string },
): EnvResult {
  const namespace = pod.metadata.namespace ?? "default";
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.secretRef !== undefined ? "secret" : "configmap";
    if (ref === undefined) continue;
    const data = dataOf(api, kind, namespace, ref.name ?? "");
    if (data === undefined) {
      if (ref.optional === true) continue;
      return { ok: false, message: `${kind} "${ref.name ?? ""}" not found` };
    }
    for (const [k, v] of Object.entries(data)) env[`${source.prefix ?? ""}${k}`] = v;
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from === undefined) {
      env[variable.name] = expand(variable.value ?? "", env);
      continue;
    }
    if (from.fieldRef !== undefined) {
      env[variable.name] = fieldPath(pod, from.fieldRef.fieldPath, where.nodeName, where.podIP) ?? "";
      continue;
    }
    const ref = from.secretKeyRef ?? from.configMapKeyRef;
    const kind = from.secretKeyRef !== undefined ? "secret" : "configmap";
    if (ref === undefined) continue;
    const value = dataOf(api, kind, namespace, ref.name ?? "")?.[ref.key];
    if (value === undefined) {
      if (ref.optional === true) continue;
      return {
        ok: false,
        message: `couldn't find key ${ref.key} in ${kind === "secret" ? "Secret" : "ConfigMap"} ${namespace}/${ref.name ?? ""}`,
      };
    }
    env[variable.name] = value;
  }
  return { ok: true, env };
}

/** `$(VAR)` references to earlier variables, as the kubelet expands them (`$$` escapes). */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) =>
    match === "$$" ? "$" : name !== undefined && Object.hasOwn(env, name) ? (env[name] ?? "") : match,
  );
}
