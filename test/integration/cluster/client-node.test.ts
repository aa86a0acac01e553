import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClusterClient } from "../../../src/cluster/client-node.js";
import { kubeConfigFor } from "../../../src/cluster/kubeconfig.js";
import { isFerryError } from "../../../src/core/errors.js";
import { startLocalClusters, type LocalClusters } from "../../../src/local/clusters.js";

describe("KubeClusterClient against a local cluster", () => {
  let dir: string;
  let local: LocalClusters;
  let client: KubeClusterClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ferry-cluster-"));
    local = await startLocalClusters({ dir, clusters: ["east-1"], controllers: false });
    const kc = kubeConfigFor(
      "east-1",
      { local: { name: "east-1" } },
      {
        env: {},
        baseDir: dir,
        localKubeconfig: local.kubeconfigPath,
      },
    );
    client = new KubeClusterClient("east-1", kc);
  });

  afterAll(async () => {
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports the server version", async () => {
    const version = await client.serverVersion();
    expect(version.major).toBe(1);
    expect(version.minor).toBeGreaterThanOrEqual(27);
  });

  it("discovers namespaced and cluster-scoped types at their preferred versions", async () => {
    const types = await client.discover();
    const deployments = types.find((t) => t.plural === "deployments");
    expect(deployments).toMatchObject({ group: "apps", version: "v1", kind: "Deployment", namespaced: true });
    expect(types.find((t) => t.plural === "namespaces")).toMatchObject({ group: "", namespaced: false });
    expect(types.some((t) => t.plural.includes("/"))).toBe(false);
  });

  it("creates, gets, lists with a selector and pages, patches and deletes", async () => {
    await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
    for (let i = 0; i < 520; i += 1) {
      await client.create({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `cm-${i}`, namespace: "shop", labels: { even: String(i % 2 === 0) } },
        data: { i: String(i) },
      });
    }
    const types = await client.discover();
    const configMaps = types.find((t) => t.plural === "configmaps");
    if (configMaps === undefined) throw new Error("configmaps not discovered");
    const all = await client.list(configMaps, { namespace: "shop" });
    expect(all.filter((o) => o.metadata.name.startsWith("cm-"))).toHaveLength(520);
    expect(all[0]).toMatchObject({ apiVersion: "v1", kind: "ConfigMap" });
    const even = await client.list(configMaps, { namespace: "shop", labelSelector: "even=true" });
    expect(even).toHaveLength(260);

    const ref = { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "cm-1" };
    const patched = await client.mergePatch(ref, { data: { extra: "yes" } });
    expect(patched["data"]).toEqual({ i: "1", extra: "yes" });
    await client.delete(ref);
    expect(await client.get(ref)).toBeUndefined();
    await client.delete(ref); // absent: not an error
  });

  it("wraps API errors with status and reason", async () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dup", namespace: "shop" } };
    await client.create(cm);
    const error = await client.create(cm).catch((e: unknown) => e);
    expect(isFerryError(error, "Conflict")).toBe(true);
    expect(isFerryError(error) && error.data["reason"]).toBe("AlreadyExists");
  });
});
