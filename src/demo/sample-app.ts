/**
 * The demo's sample application, in the namespace of the example Migration (`shop`): the
 * shop itself (selected by `app: shop`: a Deployment, a Service, a ConfigMap, a Secret and a
 * claim of class `fast-ssd`) and a PostgreSQL-like StatefulSet `pg` (label `app: pg`) whose
 * claims data-pg-0 and wal-pg-0 are the example VolumeGroups' members. A few files are
 * written into each claim's volume.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { KubeObject } from "../engine/kube-object.js";

const labels = { app: "shop" };
// Not `app: shop`: the Migration that selects the shop must not carry the database's claims,
// whose data the example VolumeReplications own.
const pgLabels = { app: "pg" };

/** The claim of the shop, and the claims of the `pg` StatefulSet (`<template>-pg-0`). */
export const SHOP_CLAIM = "shop-data";
export const PG_CLAIMS = ["data-pg-0", "wal-pg-0"] as const;

/** The objects, in the order they are applied. */
export function sampleApp(namespace: string): KubeObject[] {
  const meta = (name: string): KubeObject["metadata"] => ({ name, namespace, labels });
  // Class `standard` exists on every local cluster, and a replication's target claim takes
  // the source claim's class.
  const claimTemplate = (name: string, storage: string): Record<string, unknown> => ({
    metadata: { name, labels: pgLabels },
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "standard",
      resources: { requests: { storage } },
    },
  });
  return [
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "fast-ssd" },
      provisioner: "local.ferry.dev/hostpath",
      reclaimPolicy: "Delete",
      allowVolumeExpansion: true,
    },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("shop-settings"),
      data: { currency: "EUR", "catalog.url": "http://shop-web/catalog" },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta("shop-db-credentials"),
      type: "Opaque",
      stringData: { username: "shop", password: "demo-only-password" },
    },
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: meta("shop-data"),
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: "fast-ssd",
        resources: { requests: { storage: "1Gi" } },
      },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("shop-web"),
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "shop", component: "web" } },
        template: {
          metadata: { labels: { app: "shop", component: "web" } },
          spec: {
            containers: [
              {
                name: "web",
                image: "nginx:1.27",
                ports: [{ containerPort: 80 }],
                envFrom: [{ configMapRef: { name: "shop-settings" } }],
                volumeMounts: [{ name: "data", mountPath: "/usr/share/nginx/html" }],
              },
            ],
            volumes: [{ name: "data", persistentVolumeClaim: { claimName: "shop-data" } }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("shop-web"),
      spec: {
        type: "ClusterIP",
        selector: { app: "shop", component: "web" },
        ports: [{ port: 80, targetPort: 80 }],
      },
    },
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "pg", namespace, labels: pgLabels },
      spec: {
        replicas: 1,
        serviceName: "pg",
        selector: { matchLabels: pgLabels },
        template: {
          metadata: { labels: pgLabels },
          spec: {
            containers: [
              {
                name: "postgres",
                image: "postgres:16",
                ports: [{ containerPort: 5432 }],
                env: [{ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" }],
                volumeMounts: [
                  { name: "data", mountPath: "/var/lib/postgresql/data" },
                  { name: "wal", mountPath: "/var/lib/postgresql/wal" },
                ],
              },
            ],
          },
        },
        volumeClaimTemplates: [claimTemplate("data", "1Gi"), claimTemplate("wal", "512Mi")],
      },
    },
  ];
}

/** The files written into the shop's claim's volume. */
export const SAMPLE_FILES: Readonly<Record<string, string>> = {
  "index.html": "<h1>Ferry demo shop</h1>\n",
  "catalog.json": '{"items":[{"sku":"ferry-1","name":"Model ferry","price":42}]}\n',
  "orders.csv": "id,sku,qty\n1,ferry-1,2\n2,ferry-1,1\n",
};

/** The files written into each database claim's volume (no database runs: they stand for one). */
export const PG_FILES: Readonly<Record<(typeof PG_CLAIMS)[number], Readonly<Record<string, string>>>> = {
  "data-pg-0": {
    PG_VERSION: "16\n",
    "orders.tbl": "1|ferry-1|2\n2|ferry-1|1\n",
  },
  "wal-pg-0": {
    "000000010000000000000001": "BEGIN;INSERT orders 1;INSERT orders 2;COMMIT;\n",
  },
};

/** Where installSampleApp wrote files: the volume directory of each claim. */
export type SampleVolumes = Readonly<Record<string, string>>;

/**
 * Applies the application to `client` and, once each claim is bound, writes its files
 * (SAMPLE_FILES, PG_FILES) into its volume directory. Returns those directories by claim.
 */
export async function installSampleApp(
  client: ClusterClient,
  namespace: string,
  clock: Clock,
  signal?: AbortSignal,
): Promise<SampleVolumes> {
  for (const object of sampleApp(namespace)) await client.apply(object);
  const files: Record<string, Readonly<Record<string, string>>> = { [SHOP_CLAIM]: SAMPLE_FILES, ...PG_FILES };
  const volumes: Record<string, string> = {};
  for (const [claim, contents] of Object.entries(files)) {
    const dir = await boundVolume(client, namespace, claim, clock, signal);
    for (const [name, text] of Object.entries(contents)) writeFileSync(join(dir, name), text);
    volumes[claim] = dir;
  }
  return volumes;
}

/** Waits until the claim is bound (the StatefulSet's claims are created by its controller). */
async function boundVolume(
  client: ClusterClient,
  namespace: string,
  name: string,
  clock: Clock,
  signal?: AbortSignal,
): Promise<string> {
  const ref = { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name };
  for (let i = 0; i < 200; i++) {
    const claim = (await client.get(ref)) as (KubeObject & { spec?: { volumeName?: string } }) | undefined;
    const volume = claim?.spec?.volumeName;
    if (volume !== undefined && volume !== "") {
      const pv = (await client.get({ apiVersion: "v1", kind: "PersistentVolume", name: volume })) as
        (KubeObject & { spec?: { hostPath?: { path?: string } } }) | undefined;
      const dir = pv?.spec?.hostPath?.path;
      if (dir !== undefined) return dir;
    }
    await clock.sleep(50, signal);
  }
  throw new FerryError("Timeout", `claim ${namespace}/${name} was not bound`);
}
