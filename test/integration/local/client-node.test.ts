import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
  type V1ConfigMap,
  type V1Deployment,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "./harness.js";

interface StatusBody {
  kind: string;
  reason: string;
  code: number;
  message: string;
  details?: { causes?: { field?: string; reason?: string }[] };
}

/** The Status body of a failed client-node call. */
async function failure(call: Promise<unknown>): Promise<StatusBody> {
  try {
    await call;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    return JSON.parse(String(e.body)) as StatusBody;
  }
  throw new Error("expected the call to fail");
}

const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

const deployment = (name: string, replicas = 1): V1Deployment => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "team", labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: "app", image: "app:1" }] },
    },
  },
});

/** @kubernetes/client-node against a local cluster: typed APIs, the object API and Watch. */
describe("local clusters with @kubernetes/client-node", () => {
  let h: Harness;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let objects: KubernetesObjectApi;

  beforeAll(async () => {
    h = await startHarness();
    const kc = h.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    objects = KubernetesObjectApi.makeApiClient(kc);
    await core.createNamespace({ body: { metadata: { name: "team" } } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("creates with server-set metadata, generateName, and the default service account", async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: "team",
      body: { metadata: { generateName: "cfg-" }, data: { a: "1" } },
    });
    expect(cm.metadata?.name).toMatch(/^cfg-[a-z0-9]{5}$/);
    expect(cm.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(cm.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(cm.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const sa = await core.readNamespacedServiceAccount({ namespace: "team", name: "default" });
    expect(sa.metadata?.name).toBe("default");
    const dry = await core.createNamespacedConfigMap({
      namespace: "team",
      dryRun: "All",
      body: { metadata: { name: "dry" } },
    });
    expect(dry.metadata?.name).toBe("dry");
    expect((await failure(core.readNamespacedConfigMap({ namespace: "team", name: "dry" }))).reason).toBe(
      "NotFound",
    );
  });

  it("merges a Secret's stringData into data, as the server does", async () => {
    const secret = await core.createNamespacedSecret({
      namespace: "team",
      body: { metadata: { name: "creds" }, stringData: { user: "ferry" }, data: { a: "YQ==" } },
    });
    expect(secret.data).toEqual({ a: "YQ==", user: Buffer.from("ferry").toString("base64") });
    expect(secret.stringData).toBeUndefined();
    expect(secret.type).toBe("Opaque");
    const bad = await failure(
      core.createNamespacedSecret({
        namespace: "team",
        body: { metadata: { name: "bad" }, data: { a: "not base64!" } },
      }),
    );
    expect(bad).toMatchObject({ reason: "BadRequest", code: 400 });
  });

  it("answers Status bodies with the real reasons and codes", async () => {
    await core.createNamespacedConfigMap({ namespace: "team", body: { metadata: { name: "one" } } });
    const exists = await failure(
      core.createNamespacedConfigMap({ namespace: "team", body: { metadata: { name: "one" } } }),
    );
    expect(exists).toMatchObject({
      kind: "Status",
      reason: "AlreadyExists",
      code: 409,
      message: 'configmaps "one" already exists',
    });
    const missing = await failure(apps.readNamespacedDeployment({ namespace: "team", name: "nope" }));
    expect(missing).toMatchObject({
      reason: "NotFound",
      code: 404,
      message: 'deployments.apps "nope" not found',
    });
    const invalid = await failure(
      apps.createNamespacedDeployment({
        namespace: "team",
        body: {
          ...deployment("bad"),
          spec: { ...deployment("bad").spec!, selector: { matchLabels: { app: "other" } } },
        },
      }),
    );
    expect(invalid).toMatchObject({ reason: "Invalid", code: 422 });
    expect(invalid.details?.causes).toEqual([
      expect.objectContaining({ field: "spec.template.metadata.labels", reason: "FieldValueInvalid" }),
    ]);
    const required = await failure(
      core.createNamespacedPod({
        namespace: "team",
        body: { metadata: { name: "p" }, spec: { containers: [{ name: "c" }] } },
      }),
    );
    expect(required.details?.causes).toEqual([
      expect.objectContaining({ field: "spec.containers[0].image", reason: "FieldValueRequired" }),
    ]);
    const noNamespace = await failure(
      core.createNamespacedConfigMap({ namespace: "ghost", body: { metadata: { name: "x" } } }),
    );
    expect(noNamespace).toMatchObject({
      reason: "NotFound",
      code: 404,
      message: 'namespaces "ghost" not found',
    });
    const system = await failure(core.deleteNamespace({ name: "kube-system" }));
    expect(system).toMatchObject({
      reason: "Forbidden",
      code: 403,
      message: 'namespaces "kube-system" is forbidden: this namespace may not be deleted',
    });
  });

  it("updates with optimistic concurrency: a stale resourceVersion is a 409 Conflict", async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: "team",
      body: { metadata: { name: "occ" }, data: { v: "1" } },
    });
    const first = await core.replaceNamespacedConfigMap({
      namespace: "team",
      name: "occ",
      body: { ...created, data: { v: "2" } },
    });
    expect(Number(first.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    const stale = await failure(
      core.replaceNamespacedConfigMap({
        namespace: "team",
        name: "occ",
        body: { ...created, data: { v: "3" } },
      }),
    );
    expect(stale).toMatchObject({ reason: "Conflict", code: 409 });
    expect(stale.message).toContain(
      "the object has been modified; please apply your changes to the latest version and try again",
    );
  });

  it("bumps generation on spec changes only, and keeps status out of main-resource writes", async () => {
    const created = await apps.createNamespacedDeployment({ namespace: "team", body: deployment("gen") });
    expect(created.metadata?.generation).toBe(1);
    const labelled = await apps.patchNamespacedDeployment(
      { namespace: "team", name: "gen", body: { metadata: { labels: { x: "y" } } } },
      mergePatch,
    );
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await apps.replaceNamespacedDeploymentScale({
      namespace: "team",
      name: "gen",
      body: { metadata: { name: "gen", namespace: "team" }, spec: { replicas: 4 } },
    });
    expect(scaled.spec?.replicas).toBe(4);
    const current = await apps.readNamespacedDeployment({ namespace: "team", name: "gen" });
    expect(current.metadata?.generation).toBe(2);
    const withStatus = await apps.replaceNamespacedDeploymentStatus({
      namespace: "team",
      name: "gen",
      body: { ...current, status: { replicas: 4, readyReplicas: 4 } },
    });
    expect(withStatus.status?.readyReplicas).toBe(4);
    expect(withStatus.metadata?.generation).toBe(2);
    const ignored = await apps.replaceNamespacedDeployment({
      namespace: "team",
      name: "gen",
      body: { ...withStatus, status: { readyReplicas: 0 } },
    });
    expect(ignored.status?.readyReplicas).toBe(4);
  });

  it("lists with label and field selectors, and pages with limit/continue", async () => {
    for (const [i, tier] of ["a", "b", "a", "c", "a"].entries()) {
      await core.createNamespacedConfigMap({
        namespace: "team",
        body: { metadata: { name: `page-${i}`, labels: { tier, paged: "true" } } },
      });
    }
    const names = (items: V1ConfigMap[]): string[] => items.map((i) => i.metadata?.name ?? "");
    expect(
      names((await core.listNamespacedConfigMap({ namespace: "team", labelSelector: "tier=a" })).items),
    ).toEqual(["page-0", "page-2", "page-4"]);
    expect(
      names(
        (await core.listNamespacedConfigMap({ namespace: "team", labelSelector: "paged,tier in (b,c)" }))
          .items,
      ),
    ).toEqual(["page-1", "page-3"]);
    expect(
      names(
        (
          await core.listNamespacedConfigMap({
            namespace: "team",
            labelSelector: "paged,tier notin (a),tier!=c",
          })
        ).items,
      ),
    ).toEqual(["page-1"]);
    expect(
      names((await core.listNamespacedConfigMap({ namespace: "team", labelSelector: "paged,!tier" })).items),
    ).toEqual([]);
    expect(
      names((await core.listConfigMapForAllNamespaces({ fieldSelector: "metadata.name=page-3" })).items),
    ).toEqual(["page-3"]);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await core.listNamespacedConfigMap({
        namespace: "team",
        labelSelector: "paged",
        limit: 2,
        ...(token === undefined ? {} : { _continue: token }),
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...names(page.items));
      token = page.metadata?._continue;
    } while (token !== undefined && token !== "");
    expect(seen).toEqual(["page-0", "page-1", "page-2", "page-3", "page-4"]);
    const bad = await failure(
      core.listNamespacedConfigMap({ namespace: "team", labelSelector: "tier in a" }),
    );
    expect(bad).toMatchObject({ reason: "BadRequest", code: 400 });
  });

  it("patches through the object API: merge, json, strategic and server-side apply", async () => {
    const base = deployment("patched");
    await objects.create(base);
    const spec = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "patched", namespace: "team" },
    };
    await objects.patch(
      { ...spec, metadata: { ...spec.metadata, labels: { merged: "yes" } } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    await apps.patchNamespacedDeployment({
      namespace: "team",
      name: "patched",
      body: [{ op: "replace", path: "/spec/replicas", value: 3 }],
    });
    const strategic = {
      ...spec,
      spec: { template: { spec: { containers: [{ name: "side", image: "side:1" }] } } },
    };
    await objects.patch(
      strategic,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.StrategicMergePatch,
    );
    const applied = {
      ...spec,
      metadata: { ...spec.metadata, annotations: { owner: "ferry" } },
      spec: { ...base.spec, replicas: 5 },
    };
    const conflict = await failure(
      objects.patch(applied, undefined, undefined, "ferry", false, PatchStrategy.ServerSideApply),
    );
    expect(conflict).toMatchObject({ reason: "Conflict", code: 409 });
    const forced = (await objects.patch(
      applied,
      undefined,
      undefined,
      "ferry",
      true,
      PatchStrategy.ServerSideApply,
    )) as V1Deployment;
    expect(forced.spec?.replicas).toBe(5);
    expect(forced.metadata?.labels).toMatchObject({ merged: "yes" });
    expect(forced.metadata?.annotations).toEqual({ owner: "ferry" });
    expect(forced.spec?.template.spec?.containers.map((c) => c.name)).toEqual(["app", "side"]);
    expect(forced.metadata?.managedFields?.map((m) => `${m.manager}/${m.operation}`)).toContain(
      "ferry/Apply",
    );
    const createdByApply = (await objects.patch(
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "by-apply", namespace: "team" },
        data: { k: "v" },
      } as KubernetesObject,
      undefined,
      undefined,
      "ferry",
      false,
      PatchStrategy.ServerSideApply,
    )) as V1ConfigMap;
    expect(createdByApply.data).toEqual({ k: "v" });
    const read: V1ConfigMap = await objects.read<V1ConfigMap>({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "by-apply", namespace: "team" },
    });
    expect(read.metadata?.uid).toBe(createdByApply.metadata?.uid);
  });

  it("watches with Watch from a resourceVersion and sees every change in order", async () => {
    const start = await core.listNamespacedConfigMap({ namespace: "team" });
    const events: string[] = [];
    let ended: unknown = "open";
    const controller = await new Watch(h.kubeConfig()).watch(
      "/api/v1/namespaces/team/configmaps",
      { resourceVersion: start.metadata?.resourceVersion, labelSelector: "watched=yes" },
      (type, object: V1ConfigMap) =>
        events.push(`${type} ${object.metadata?.name ?? ""} ${object.data?.["v"] ?? ""}`),
      (err) => {
        ended = err;
      },
    );
    try {
      await core.createNamespacedConfigMap({
        namespace: "team",
        body: { metadata: { name: "w", labels: { watched: "yes" } }, data: { v: "1" } },
      });
      await core.patchNamespacedConfigMap(
        { namespace: "team", name: "w", body: { data: { v: "2" } } },
        mergePatch,
      );
      await core.patchNamespacedConfigMap(
        { namespace: "team", name: "w", body: { metadata: { labels: { watched: "no" } } } },
        mergePatch,
      );
      await core.patchNamespacedConfigMap(
        { namespace: "team", name: "w", body: { metadata: { labels: { watched: "yes" } } } },
        mergePatch,
      );
      await core.deleteNamespacedConfigMap({ namespace: "team", name: "w" });
      await eventually(() => (events.length >= 5 ? true : undefined));
      // Leaving and re-entering the selector shows as DELETED and ADDED, as the real server does.
      expect(events).toEqual(["ADDED w 1", "MODIFIED w 2", "DELETED w 2", "ADDED w 2", "DELETED w 2"]);
      expect(ended).toBe("open");
    } finally {
      controller.abort();
    }
  });

  it("replays from an old resourceVersion and starts with ADDED without one", async () => {
    const before = (await core.listNamespacedConfigMap({ namespace: "team" })).metadata?.resourceVersion;
    await core.createNamespacedConfigMap({
      namespace: "team",
      body: { metadata: { name: "replayed", labels: { replay: "1" } } },
    });
    const replayed: string[] = [];
    const c1 = await new Watch(h.kubeConfig()).watch(
      "/api/v1/namespaces/team/configmaps",
      { resourceVersion: before, labelSelector: "replay=1" },
      (type, o: V1ConfigMap) => replayed.push(`${type} ${o.metadata?.name ?? ""}`),
      () => undefined,
    );
    const initial: string[] = [];
    const c2 = await new Watch(h.kubeConfig()).watch(
      "/api/v1/namespaces/team/configmaps",
      { labelSelector: "replay=1" },
      (type, o: V1ConfigMap) => initial.push(`${type} ${o.metadata?.name ?? ""}`),
      () => undefined,
    );
    try {
      await eventually(() => (replayed.length > 0 && initial.length > 0 ? true : undefined));
      expect(replayed).toEqual(["ADDED replayed"]);
      expect(initial).toEqual(["ADDED replayed"]);
    } finally {
      c1.abort();
      c2.abort();
    }
  });

  it("deletes with finalizers and the three propagation policies", async () => {
    const owner = await apps.createNamespacedDeployment({ namespace: "team", body: deployment("owner") });
    const dependent = (name: string, uid: string): V1ConfigMap => ({
      metadata: {
        name,
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "owner",
            uid,
            blockOwnerDeletion: true,
            controller: true,
          },
        ],
      },
    });
    await core.createNamespacedConfigMap({
      namespace: "team",
      body: dependent("dep-orphan", owner.metadata?.uid ?? ""),
    });
    await apps.deleteNamespacedDeployment({ namespace: "team", name: "owner", propagationPolicy: "Orphan" });
    const orphan = await eventually(async () => {
      const cm = await core.readNamespacedConfigMap({ namespace: "team", name: "dep-orphan" });
      return cm.metadata?.ownerReferences === undefined ? cm : undefined;
    });
    expect(orphan.metadata?.name).toBe("dep-orphan");
    await eventually(async () =>
      (await failure(apps.readNamespacedDeployment({ namespace: "team", name: "owner" }))).code === 404
        ? true
        : undefined,
    );

    const owner2 = await apps.createNamespacedDeployment({ namespace: "team", body: deployment("owner") });
    await core.createNamespacedConfigMap({
      namespace: "team",
      body: { ...dependent("dep-bg", owner2.metadata?.uid ?? "") },
    });
    await apps.deleteNamespacedDeployment({ namespace: "team", name: "owner" });
    await eventually(async () =>
      (await failure(core.readNamespacedConfigMap({ namespace: "team", name: "dep-bg" }))).code === 404
        ? true
        : undefined,
    );

    const owner3 = await apps.createNamespacedDeployment({ namespace: "team", body: deployment("owner") });
    await core.createNamespacedConfigMap({
      namespace: "team",
      body: {
        ...dependent("dep-fg", owner3.metadata?.uid ?? ""),
        metadata: {
          ...dependent("dep-fg", owner3.metadata?.uid ?? "").metadata,
          finalizers: ["example.com/hold"],
        },
      },
    });
    await apps.deleteNamespacedDeployment({
      namespace: "team",
      name: "owner",
      propagationPolicy: "Foreground",
    });
    const waiting = await apps.readNamespacedDeployment({ namespace: "team", name: "owner" });
    expect(waiting.metadata?.deletionTimestamp).toBeDefined();
    expect(waiting.metadata?.finalizers).toEqual(["foregroundDeletion"]);
    const held = await eventually(async () => {
      const cm = await core.readNamespacedConfigMap({ namespace: "team", name: "dep-fg" });
      return cm.metadata?.deletionTimestamp !== undefined ? cm : undefined;
    });
    // The owner waits for its blocking dependent, which waits for its own finalizer.
    expect((await apps.readNamespacedDeployment({ namespace: "team", name: "owner" })).metadata?.name).toBe(
      "owner",
    );
    await core.replaceNamespacedConfigMap({
      namespace: "team",
      name: "dep-fg",
      body: { ...held, metadata: { ...held.metadata, finalizers: [] } },
    });
    await eventually(async () =>
      (await failure(apps.readNamespacedDeployment({ namespace: "team", name: "owner" }))).code === 404
        ? true
        : undefined,
    );
  });

  it("refuses new objects in a terminating namespace with 403 Forbidden, then removes it", async () => {
    await core.createNamespace({ body: { metadata: { name: "doomed" } } });
    await core.createNamespacedConfigMap({
      namespace: "doomed",
      body: { metadata: { name: "held", finalizers: ["example.com/hold"] } },
    });
    await core.deleteNamespace({ name: "doomed" });
    const ns = await core.readNamespace({ name: "doomed" });
    expect(ns.status?.phase).toBe("Terminating");
    const refused = await failure(
      core.createNamespacedConfigMap({ namespace: "doomed", body: { metadata: { name: "late" } } }),
    );
    expect(refused).toMatchObject({ reason: "Forbidden", code: 403 });
    expect(refused.message).toContain("because it is being terminated");
    const held = await eventually(async () => {
      const cm = await core.readNamespacedConfigMap({ namespace: "doomed", name: "held" });
      return cm.metadata?.deletionTimestamp !== undefined ? cm : undefined;
    });
    await core.replaceNamespacedConfigMap({
      namespace: "doomed",
      name: "held",
      body: { ...held, metadata: { ...held.metadata, finalizers: [] } },
    });
    await eventually(async () =>
      (await failure(core.readNamespace({ name: "doomed" }))).code === 404 ? true : undefined,
    );
  });

  it("admits PVCs against ResourceQuota and resizes only bound claims of expandable classes", async () => {
    await core.createNamespace({ body: { metadata: { name: "quota" } } });
    await core.createNamespacedResourceQuota({
      namespace: "quota",
      body: {
        metadata: { name: "q" },
        spec: { hard: { "requests.storage": "10Gi", persistentvolumeclaims: "3" } },
      },
    });
    const pvc = (name: string, size: string) => ({
      metadata: { name },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
    });
    const first = await core.createNamespacedPersistentVolumeClaim({
      namespace: "quota",
      body: pvc("a", "8Gi"),
    });
    expect(first.spec?.storageClassName).toBe("standard");
    expect(first.status?.phase).toBe("Pending");
    const over = await failure(
      core.createNamespacedPersistentVolumeClaim({ namespace: "quota", body: pvc("b", "4Gi") }),
    );
    expect(over).toMatchObject({ reason: "Forbidden", code: 403 });
    expect(over.message).toBe(
      'persistentvolumeclaims "b" is forbidden: exceeded quota: q, requested: requests.storage=4Gi, used: requests.storage=8Gi, limited: requests.storage=10Gi',
    );
    const unbound = await failure(
      core.patchNamespacedPersistentVolumeClaim(
        { namespace: "quota", name: "a", body: { spec: { resources: { requests: { storage: "9Gi" } } } } },
        mergePatch,
      ),
    );
    expect(unbound).toMatchObject({ reason: "Forbidden", code: 403 });
    await core.patchNamespacedPersistentVolumeClaimStatus(
      { namespace: "quota", name: "a", body: { status: { phase: "Bound", capacity: { storage: "8Gi" } } } },
      mergePatch,
    );
    const grown = await core.patchNamespacedPersistentVolumeClaim(
      { namespace: "quota", name: "a", body: { spec: { resources: { requests: { storage: "9Gi" } } } } },
      mergePatch,
    );
    expect(grown.spec?.resources?.requests?.["storage"]).toBe("9Gi");
    const shrunk = await failure(
      core.patchNamespacedPersistentVolumeClaim(
        { namespace: "quota", name: "a", body: { spec: { resources: { requests: { storage: "1Gi" } } } } },
        mergePatch,
      ),
    );
    expect(shrunk).toMatchObject({ reason: "Invalid", code: 422 });
    const beyondQuota = await failure(
      core.patchNamespacedPersistentVolumeClaim(
        { namespace: "quota", name: "a", body: { spec: { resources: { requests: { storage: "11Gi" } } } } },
        mergePatch,
      ),
    );
    expect(beyondQuota).toMatchObject({ reason: "Forbidden", code: 403 });
    const immutable = await failure(
      core.patchNamespacedPersistentVolumeClaim(
        { namespace: "quota", name: "a", body: { spec: { accessModes: ["ReadWriteMany"] } } },
        mergePatch,
      ),
    );
    expect(immutable.details?.causes?.[0]?.field).toBe("spec");
  });

  it("keeps every object across a restart, and injects faults", async () => {
    const cluster = h.clusters.clusters.get("east-1");
    if (cluster === undefined) throw new Error("no cluster");
    const before = await core.readNamespacedConfigMap({ namespace: "team", name: "occ" });
    await cluster.restart();
    const after = await core.readNamespacedConfigMap({ namespace: "team", name: "occ" });
    expect(after).toEqual(before);
    const next = await core.createNamespacedConfigMap({
      namespace: "team",
      body: { metadata: { name: "after-restart" } },
    });
    // History does not survive a restart: resuming a watch from before it is 410 Expired.
    const expired: { type: string; code?: number }[] = [];
    const stale = await new Watch(h.kubeConfig()).watch(
      "/api/v1/namespaces/team/configmaps",
      { resourceVersion: before.metadata?.resourceVersion },
      (type, object: { code?: number }) =>
        expired.push({ type, ...(object.code === undefined ? {} : { code: object.code }) }),
      () => undefined,
    );
    await eventually(() => (expired.length > 0 ? true : undefined));
    stale.abort();
    expect(expired[0]).toEqual({ type: "ERROR", code: 410 });
    expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(Number(before.metadata?.resourceVersion));

    cluster.faults.failNext({ verb: "create", resource: "configmaps", code: 503, count: 2 });
    expect(
      (
        await failure(
          core.createNamespacedConfigMap({ namespace: "team", body: { metadata: { name: "f1" } } }),
        )
      ).code,
    ).toBe(503);
    expect(
      (
        await failure(
          core.createNamespacedConfigMap({ namespace: "team", body: { metadata: { name: "f1" } } }),
        )
      ).reason,
    ).toBe("ServiceUnavailable");
    await core.createNamespacedConfigMap({ namespace: "team", body: { metadata: { name: "f1" } } });

    await cluster.refuseConnections();
    await expect(core.readNamespace({ name: "team" })).rejects.toThrow(/ECONNREFUSED/);
    await cluster.acceptConnections();
    expect((await core.readNamespace({ name: "team" })).metadata?.name).toBe("team");

    const admin = await fetch(`${cluster.url}/_ferry/faults`, {
      method: "POST",
      body: JSON.stringify({ fail: { verb: "get", resource: "namespaces", code: 500 } }),
    });
    expect(((await admin.json()) as { failures: unknown[] }).failures).toEqual([
      { verb: "get", resource: "namespaces", code: 500, count: 1 },
    ]);
    expect((await failure(core.readNamespace({ name: "team" }))).reason).toBe("InternalError");
    expect((await core.readNamespace({ name: "team" })).metadata?.name).toBe("team");

    cluster.faults.setLatency(150);
    const started = performance.now();
    await core.readNamespace({ name: "team" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    cluster.faults.clear();
  });
});
