/**
 * The demo's sample application on the source cluster, in the namespace of the example
 * Migration (`shop`, selected by `app: shop`): a Deployment, a Service, a ConfigMap, a
 * Secret and a claim of class `fast-ssd` with a few files written into its volume.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterClient } from "../cluster/port.js";
import type { Clock } from "../core/clock.js";
import { FerryError } from "../core/errors.js";
import type { KubeObject } from "../engine/kube-object.js";

const labels = { app: "shop" };

/** The objects, in the order they are applied. */
export function sampleApp(namespace: string): KubeObject[] {
  const meta = (name: string): KubeObject["metadata"] => ({ name, namespace, labels });
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
  ];
}

/** The files written into the claim's volume. */
export const SAMPLE_FILES: Readonly<Record<string, string>> = {
  "index.html": "<h1>Ferry demo shop</h1>\n",
  "catalog.json": '{"items":[{"sku":"ferry-1","name":"Model ferry","price":42}]}\n',
  "orders.csv": "id,sku,qty\n1,ferry-1,2\n2,ferry-1,1\n",
};

/**
 * Applies the application to `client` and writes SAMPLE_FILES into the claim's volume
 * directory once the claim is bound. Returns that directory.
 */
export async function installSampleApp(
  client: ClusterClient,
  namespace: string,
  clock: Clock,
  signal?: AbortSignal,
): Promise<string> {
  for (const object of sampleApp(namespace)) await client.apply(object);
  const ref = { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name: "shop-data" };
  for (let i = 0; i < 200; i++) {
    const claim = (await client.get(ref)) as (KubeObject & { spec?: { volumeName?: string } }) | undefined;
    const volume = claim?.spec?.volumeName;
    if (volume !== undefined && volume !== "") {
      const pv = (await client.get({ apiVersion: "v1", kind: "PersistentVolume", name: volume })) as
        (KubeObject & { spec?: { hostPath?: { path?: string } } }) | undefined;
      const dir = pv?.spec?.hostPath?.path;
      if (dir !== undefined) {
        for (const [name, text] of Object.entries(SAMPLE_FILES)) writeFileSync(join(dir, name), text);
        return dir;
      }
    }
    await clock.sleep(50, signal);
  }
  throw new FerryError("Timeout", `claim ${namespace}/shop-data was not bound`);
}
