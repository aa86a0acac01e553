import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KubeObject } from "../../../src/local/api.js";
import { R } from "../../../src/local/controllers/runtime/gvr.js";
import { localPaths } from "../../../src/local/paths.js";
import { startHarness, type Harness } from "../../helpers/controller-harness.js";

const claim = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, namespace: "shop" },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...spec },
});

describe("volume provisioner", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ clusterName: "east-1" });
  });
  afterEach(async () => {
    await h.close();
  });

  const get = (name: string): KubeObject | undefined => h.api.get(R.pvcs, "shop", name);
  const phase = (o: KubeObject | undefined): unknown =>
    (o?.["status"] as { phase?: string } | undefined)?.phase;
  const bound = async (name: string): Promise<{ pvc: KubeObject; pv: KubeObject; dir: string }> => {
    await vi.waitFor(() => expect(phase(get(name))).toBe("Bound"));
    const pvc = get(name) as KubeObject;
    const pvName = (pvc["spec"] as { volumeName: string }).volumeName;
    const pv = h.api.get(R.pvs, undefined, pvName) as KubeObject;
    return { pvc, pv, dir: localPaths.volume(h.dataDir, pvName) };
  };

  it.each([
    ["the default class when none is named", {}],
    ["a named class", { storageClassName: "standard" }],
  ])("binds a claim of %s to a provisioned hostPath PV with a real directory", async (_, spec) => {
    h.api.create(R.pvcs, claim("data", spec));
    const { pvc, pv, dir } = await bound("data");
    expect(pv.metadata.name).toBe(`pvc-${pvc.metadata.uid ?? ""}`);
    expect(pv["spec"]).toMatchObject({
      capacity: { storage: "1Gi" },
      storageClassName: "standard",
      persistentVolumeReclaimPolicy: "Delete",
      hostPath: { path: dir },
      claimRef: { name: "data", namespace: "shop", uid: pvc.metadata.uid },
    });
    expect(pvc.metadata.annotations?.["pv.kubernetes.io/bind-completed"]).toBe("yes");
    expect(pvc["status"]).toMatchObject({ phase: "Bound", capacity: { storage: "1Gi" } });
    await vi.waitFor(() => expect(phase(h.api.get(R.pvs, undefined, pv.metadata.name ?? ""))).toBe("Bound"));
    expect(existsSync(dir)).toBe(true);
  });

  it("leaves a claim of a missing class Pending with a ProvisioningFailed event", async () => {
    h.api.create(R.pvcs, claim("data", { storageClassName: "gold" }));
    await vi.waitFor(() => {
      const events = h.api.list(R.events, { namespace: "shop" });
      expect(events.map((e) => [e["reason"], e["message"]])).toContainEqual([
        "ProvisioningFailed",
        'storageclass.storage.k8s.io "gold" not found',
      ]);
    });
    expect(phase(get("data"))).toBe("Pending");
    expect(h.api.list(R.pvs)).toEqual([]);
  });

  it("grows the PV and then the claim's capacity when the class allows expansion", async () => {
    h.api.create(R.pvcs, claim("data"));
    const { pvc, pv } = await bound("data");
    (pvc["spec"] as { resources: { requests: { storage: string } } }).resources.requests.storage = "3Gi";
    h.api.update(R.pvcs, pvc);
    await vi.waitFor(() => expect(get("data")?.["status"]).toMatchObject({ capacity: { storage: "3Gi" } }));
    expect(h.api.get(R.pvs, undefined, pv.metadata.name ?? "")?.["spec"]).toMatchObject({
      capacity: { storage: "3Gi" },
    });
    const reasons = h.api.list(R.events, { namespace: "shop" }).map((e) => e["reason"]);
    expect(reasons).toEqual(expect.arrayContaining(["VolumeResizeSuccessful", "FileSystemResizeSuccessful"]));
  });

  it("deletes the PV and its directory when a claim of a Delete class goes", async () => {
    h.api.create(R.pvcs, claim("data"));
    const { pv, dir } = await bound("data");
    await writeFile(join(dir, "file"), "x");
    h.api.delete(R.pvcs, "shop", "data");
    await vi.waitFor(() => expect(h.api.get(R.pvs, undefined, pv.metadata.name ?? "")).toBeUndefined());
    expect(existsSync(dir)).toBe(false);
  });

  it("keeps a Retain volume's PV (Released) and data when its claim goes", async () => {
    h.api.create(R.storageClasses, {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "keep" },
      provisioner: "local.ferry.dev/hostpath",
      reclaimPolicy: "Retain",
    });
    h.api.create(R.pvcs, claim("data", { storageClassName: "keep" }));
    const { pv, dir } = await bound("data");
    h.api.delete(R.pvcs, "shop", "data");
    await vi.waitFor(() =>
      expect(phase(h.api.get(R.pvs, undefined, pv.metadata.name ?? ""))).toBe("Released"),
    );
    expect(existsSync(dir)).toBe(true);
  });

  it("provisions a clone of another claim's data (dataSource PersistentVolumeClaim)", async () => {
    h.api.create(R.pvcs, claim("source"));
    const source = await bound("source");
    await mkdir(join(source.dir, "sub"));
    await writeFile(join(source.dir, "sub", "a.txt"), "hello");
    h.api.create(R.pvcs, claim("copy", { dataSource: { kind: "PersistentVolumeClaim", name: "source" } }));
    const copy = await bound("copy");
    expect(await readFile(join(copy.dir, "sub", "a.txt"), "utf8")).toBe("hello");
  });

  it("waits for the first consumer when the class says so", async () => {
    h.api.create(R.storageClasses, {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "lazy" },
      provisioner: "local.ferry.dev/hostpath",
      volumeBindingMode: "WaitForFirstConsumer",
    });
    h.api.create(R.pvcs, claim("data", { storageClassName: "lazy" }));
    await vi.waitFor(() =>
      expect(h.api.list(R.events, { namespace: "shop" }).map((e) => e["reason"])).toContain(
        "WaitForFirstConsumer",
      ),
    );
    expect(phase(get("data"))).toBe("Pending");
    h.api.create(R.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "user", namespace: "shop" },
      spec: {
        containers: [{ name: "c", image: "busybox" }],
        volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }],
      },
    });
    await bound("data");
    await vi.waitFor(() => expect(phase(h.api.get(R.pods, "shop", "user"))).toBe("Running"));
  });

  it("keeps a pod of a missing claim unscheduled, then runs it once the claim is bound", async () => {
    h.api.create(R.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "early", namespace: "shop" },
      spec: {
        containers: [{ name: "c", image: "busybox" }],
        volumes: [{ name: "d", persistentVolumeClaim: { claimName: "later" } }],
      },
    });
    await vi.waitFor(() => {
      const conditions = (
        h.api.get(R.pods, "shop", "early")?.["status"] as
          { conditions?: { type: string; status: string; message?: string }[] } | undefined
      )?.conditions;
      expect(conditions).toContainEqual(
        expect.objectContaining({
          type: "PodScheduled",
          status: "False",
          message: '0/1 nodes are available: persistentvolumeclaim "later" not found.',
        }),
      );
    });
    h.api.create(R.pvcs, claim("later"));
    await vi.waitFor(() => expect(phase(h.api.get(R.pods, "shop", "early"))).toBe("Running"));
  });
});
