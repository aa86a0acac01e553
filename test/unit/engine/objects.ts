/** Small builders for Kubernetes objects in engine unit tests. */
import type { KubeObject } from "../../../src/engine/kube-object.js";

export function obj(
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  extra: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name, ...(namespace === undefined ? {} : { namespace }), ...meta },
    ...extra,
  };
}

export const deployment = (
  name: string,
  namespace = "shop",
  replicas?: number,
  meta: Record<string, unknown> = {},
): KubeObject =>
  obj(
    "apps/v1",
    "Deployment",
    name,
    namespace,
    {
      spec: {
        ...(replicas === undefined ? {} : { replicas }),
        template: { spec: { containers: [{ name: "c", image: "nginx" }] } },
      },
    },
    meta,
  );

export const pvc = (
  name: string,
  namespace = "shop",
  storage = "1Gi",
  storageClassName?: string,
): KubeObject =>
  obj("v1", "PersistentVolumeClaim", name, namespace, {
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage } },
      ...(storageClassName === undefined ? {} : { storageClassName }),
    },
  });

export const configMap = (
  name: string,
  namespace = "shop",
  data: Record<string, string> = { a: "1" },
  meta: Record<string, unknown> = {},
): KubeObject => obj("v1", "ConfigMap", name, namespace, { data }, meta);

export const crd = (group: string, kind: string, plural: string, versions: string[] = ["v1"]): KubeObject =>
  obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", `${plural}.${group}`, undefined, {
    spec: {
      group,
      names: { kind, plural },
      scope: "Namespaced",
      versions: versions.map((name) => ({ name, served: true, storage: true })),
    },
  });
