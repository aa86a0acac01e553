import { homedir } from "node:os";
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import type { ClusterConnection } from "../manifests/types.js";
import { FerryError, errorMessage } from "../core/errors.js";

export interface ConnectionContext {
  /** Environment variables (process.env at the composition root). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base for relative kubeconfig paths: the desired-state repo or the working directory. */
  readonly baseDir: string;
  /** The kubeconfig written by `ferry local up`, for `connection: {local: ...}`. */
  readonly localKubeconfig: string;
}

/**
 * Builds the KubeConfig for a Cluster's connection. Every kind of connection, a local
 * cluster included, ends as an ordinary kubeconfig and context: the engine behind the
 * ClusterClient port sees no difference.
 */
export function kubeConfigFor(
  cluster: string,
  connection: ClusterConnection,
  ctx: ConnectionContext,
): KubeConfig {
  const kc = new KubeConfig();
  try {
    if ("inCluster" in connection) {
      kc.loadFromCluster();
    } else if ("kubeconfig" in connection) {
      loadFile(kc, expandPath(connection.kubeconfig.path, ctx.baseDir), connection.kubeconfig.context);
    } else if ("kubeconfigEnv" in connection) {
      const value = ctx.env[connection.kubeconfigEnv];
      if (value === undefined || value.trim() === "") {
        throw new FerryError("Invalid", `environment variable ${connection.kubeconfigEnv} is not set`, {
          data: { cluster, variable: connection.kubeconfigEnv },
        });
      }
      if (value.includes("\n") || value.trimStart().startsWith("apiVersion")) kc.loadFromString(value);
      else loadFile(kc, expandPath(value, ctx.baseDir), undefined);
    } else {
      loadFile(
        kc,
        ctx.localKubeconfig,
        connection.local.name,
        "start the local clusters with `ferry local up`",
      );
    }
  } catch (cause) {
    if (cause instanceof FerryError) throw cause;
    throw new FerryError(
      "Invalid",
      `cluster ${cluster}: cannot load its kubeconfig: ${errorMessage(cause)}`,
      {
        data: { cluster },
        cause,
      },
    );
  }
  return kc;
}

function loadFile(kc: KubeConfig, path: string, context: string | undefined, hint?: string): void {
  if (!existsSync(path)) {
    throw new FerryError(
      "NotFound",
      `kubeconfig ${path} does not exist${hint === undefined ? "" : `: ${hint}`}`,
    );
  }
  kc.loadFromFile(path);
  if (context !== undefined) {
    if (kc.getContextObject(context) === null) {
      throw new FerryError("NotFound", `kubeconfig ${path} has no context ${context}`);
    }
    kc.setCurrentContext(context);
  }
}

function expandPath(path: string, baseDir: string): string {
  if (path === "~" || path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
