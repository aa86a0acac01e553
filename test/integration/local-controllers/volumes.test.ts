import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { localPaths } from "../../../src/local/paths.js";
import { ok, startClusterHarness, type ClusterHarness } from "./cluster-harness.js";

describe("volumes on a local cluster (real server, kubectl, client-node)", () => {
  let h: ClusterHarness;
  let dataDir: string;
  beforeAll(async () => {
    h = await startClusterHarness();
    dataDir = h.clusters.clusters.get("east-1")?.dataDir ?? "";
  });
  afterAll(async () => {
    await h.close();
  });

  const volumeDir = async (pvc: string): Promise<string> =>
    localPaths.volume(
      dataDir,
      (await ok(h, ["get", "pvc", pvc, "-o", "jsonpath={.spec.volumeName}"])).trim(),
    );

  it("rolls out a StatefulSet whose claims bind to real directories", async () => {
    await ok(
      h,
      ["apply", "-f", "-"],
      `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: default}
spec:
  replicas: 2
  serviceName: pg
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec: {containers: [{name: pg, image: "postgres:16"}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
    );
    expect(await ok(h, ["rollout", "status", "statefulset/pg", "--timeout=30s"])).toContain(
      "roll out complete",
    );
    expect(
      await ok(h, ["get", "pvc", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.phase} {end}"]),
    ).toBe("data-pg-0=Bound data-pg-1=Bound ");
    await ok(h, ["wait", "--for=condition=Ready", "pod/pg-1", "--timeout=30s"]);
  });

  it("expands a claim when its class allows, and refuses as the real server when it does not", async () => {
    await ok(
      h,
      ["apply", "-f", "-"],
      `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fixed}
provisioner: local.ferry.dev/hostpath
allowVolumeExpansion: false
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: grows, namespace: default}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: fixed, namespace: default}
spec: {storageClassName: fixed, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
    );
    await ok(h, ["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/grows", "pvc/fixed", "--timeout=30s"]);
    await ok(h, ["patch", "pvc", "grows", "-p", '{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}']);
    await ok(h, ["wait", "--for=jsonpath={.status.capacity.storage}=5Gi", "pvc/grows", "--timeout=30s"]);
    const pv = (await ok(h, ["get", "pvc", "grows", "-o", "jsonpath={.spec.volumeName}"])).trim();
    expect(await ok(h, ["get", "pv", pv, "-o", "jsonpath={.spec.capacity.storage}"])).toBe("5Gi");
    const refused = await h.kubectl([
      "patch",
      "pvc",
      "fixed",
      "-p",
      '{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
    );
  });

  it("leaves a claim of a missing class Pending with a ProvisioningFailed event", async () => {
    await ok(
      h,
      ["apply", "-f", "-"],
      `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: golden, namespace: default}
spec: {storageClassName: gold, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
    );
    await vi.waitFor(
      async () => {
        const events = await ok(h, [
          "get",
          "events",
          "--field-selector",
          "involvedObject.name=golden",
          "-o",
          "jsonpath={.items[*].reason}",
        ]);
        expect(events).toContain("ProvisioningFailed");
      },
      { timeout: 10_000 },
    );
    expect(await ok(h, ["get", "pvc", "golden", "-o", "jsonpath={.status.phase}"])).toBe("Pending");
  });

  it("keeps ResourceQuota usage in status", async () => {
    await ok(h, ["create", "namespace", "quota"]);
    await ok(
      h,
      ["apply", "-f", "-"],
      `
apiVersion: v1
kind: ResourceQuota
metadata: {name: storage, namespace: quota}
spec: {hard: {requests.storage: 3Gi, persistentvolumeclaims: "2"}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: one, namespace: quota}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
    );
    await ok(h, [
      "wait",
      "-n",
      "quota",
      "--for=jsonpath={.status.used.requests\\.storage}=1Gi",
      "resourcequota/storage",
      "--timeout=30s",
    ]);
    expect(
      await ok(h, [
        "get",
        "-n",
        "quota",
        "resourcequota",
        "storage",
        "-o",
        "jsonpath={.status.used.persistentvolumeclaims}",
      ]),
    ).toBe("1");
  });

  it("snapshots a claim with client-node and restores it into a new claim", async () => {
    await ok(
      h,
      ["apply", "-f", "-"],
      `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: source, namespace: default}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
    );
    await ok(h, ["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/source", "--timeout=30s"]);
    const dir = await volumeDir("source");
    await writeFile(join(dir, "rows"), "before");
    await h.objects.create({
      apiVersion: "snapshot.storage.k8s.io/v1",
      kind: "VolumeSnapshot",
      metadata: { name: "snap", namespace: "default" },
      spec: { source: { persistentVolumeClaimName: "source" } },
    });
    await ok(h, ["wait", "--for=jsonpath={.status.readyToUse}=true", "volumesnapshot/snap", "--timeout=30s"]);
    await writeFile(join(dir, "rows"), "after");
    await ok(
      h,
      ["apply", "-f", "-"],
      `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: restored, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap}
`,
    );
    await ok(h, ["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/restored", "--timeout=30s"]);
    expect(await readFile(join(await volumeDir("restored"), "rows"), "utf8")).toBe("before");
  });
});
