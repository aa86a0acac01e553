import type { Clock } from "../../../src/core/clock.js";
import { FerryError } from "../../../src/core/errors.js";
import type { StoredResource } from "../../../src/repository/backup-manifest.js";

/** A clock that stands still at `at` (tests never sleep). */
export function fixedClock(at = "2026-11-21T06:00:00.000Z"): Clock & { set(iso: string): void } {
  let now = new Date(at);
  return {
    now: () => new Date(now),
    sleep: () => Promise.reject(new FerryError("Internal", "tests do not sleep")),
    set(iso: string) {
      now = new Date(iso);
    },
  };
}

/** A small application namespace: what an export of `shop` looks like. */
export function shopResources(namespace = "shop"): StoredResource[] {
  const meta = (name: string): { name: string; namespace: string } => ({ name, namespace });
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("web"),
      spec: { replicas: 3 },
    } as StoredResource,
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta("db"),
      spec: { replicas: 1 },
    } as StoredResource,
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta("web-config"), data: { a: "1" } } as StoredResource,
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta("db-config"), data: { b: "2" } } as StoredResource,
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta("db-password"),
      data: { p: "c2VjcmV0" },
    } as StoredResource,
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("web"),
      spec: { ports: [{ port: 80 }] },
    } as StoredResource,
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
    {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "carts.shop.example.com" },
    },
  ];
}

/** `n` ConfigMaps with distinct content, for resumability and grouping tests. */
export function configMaps(n: number, namespace = "bulk"): StoredResource[] {
  return Array.from(
    { length: n },
    (_, i) =>
      ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `cm-${String(i).padStart(4, "0")}`, namespace },
        data: { index: String(i) },
      }) as StoredResource,
  );
}
