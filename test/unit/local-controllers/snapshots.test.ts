import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import type { KubeObject } from "../../../src/local/api.js";
import { R } from "../../../src/local/controllers/runtime/gvr.js";
import { localPaths } from "../../../src/local/paths.js";
import { startHarness, type Harness } from "../../helpers/controller-harness.js";

const tsx = pathToFileURL(join(process.cwd(), "node_modules", "tsx", "dist", "loader.mjs")).href;
const standIn = [
  process.execPath,
  "--import",
  tsx,
  join(import.meta.dirname, "fixtures", "stand-in-ferry.ts"),
];

const claim = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, namespace: "db" },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...spec },
});
const snapshot = (name: string, pvc: string, labels?: Record<string, string>): KubeObject => ({
  apiVersion: "snapshot.storage.k8s.io/v1",
  kind: "VolumeSnapshot",
  metadata: { name, namespace: "db", ...(labels === undefined ? {} : { labels }) },
  spec: { source: { persistentVolumeClaimName: pvc } },
});

describe("volume snapshots", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const volumeOf = async (name: string): Promise<string> => {
    await vi.waitFor(() =>
      expect(h.api.get(R.pvcs, "db", name)?.["status"]).toMatchObject({ phase: "Bound" }),
    );
    const pvc = h.api.get(R.pvcs, "db", name) as KubeObject;
    return localPaths.volume(h.dataDir, (pvc["spec"] as { volumeName: string }).volumeName);
  };
  const ready = async (name: string): Promise<Record<string, unknown>> => {
    await vi.waitFor(
      () => expect(h.api.get(R.volumeSnapshots, "db", name)?.["status"]).toMatchObject({ readyToUse: true }),
      { timeout: 10_000 },
    );
    return h.api.get(R.volumeSnapshots, "db", name)?.["status"] as Record<string, unknown>;
  };

  it("copies the volume to a VolumeSnapshotContent and restores a new claim from it", async () => {
    h = await startHarness();
    h.api.create(R.pvcs, claim("data"));
    const dir = await volumeOf("data");
    await writeFile(join(dir, "table"), "v1");
    h.api.create(R.volumeSnapshots, snapshot("snap", "data"));
    const status = await ready("snap");
    expect(status).toMatchObject({ restoreSize: "1Gi" });
    expect(typeof status["creationTime"]).toBe("string");
    const contentName = status["boundVolumeSnapshotContentName"] as string;
    const content = h.api.get(R.volumeSnapshotContents, undefined, contentName) as KubeObject;
    expect(content["spec"]).toMatchObject({
      volumeSnapshotRef: { name: "snap", namespace: "db" },
      driver: "local.ferry.dev/hostpath",
      deletionPolicy: "Delete",
      volumeSnapshotClassName: "standard-snapshot",
    });
    expect(content["status"]).toMatchObject({ readyToUse: true, restoreSize: 2 ** 30 });
    await writeFile(join(dir, "table"), "v2");
    h.api.create(
      R.pvcs,
      claim("restored", {
        dataSource: { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "snap" },
      }),
    );
    expect(await readFile(join(await volumeOf("restored"), "table"), "utf8")).toBe("v1");

    h.api.delete(R.volumeSnapshots, "db", "snap");
    await vi.waitFor(() =>
      expect(h.api.get(R.volumeSnapshotContents, undefined, contentName)).toBeUndefined(),
    );
    await vi.waitFor(() => expect(existsSync(localPaths.snapshot(h.dataDir, contentName))).toBe(false));
  });

  it("refuses to restore a snapshot into a smaller claim", async () => {
    h = await startHarness();
    h.api.create(R.pvcs, claim("big", { resources: { requests: { storage: "2Gi" } } }));
    await volumeOf("big");
    h.api.create(R.volumeSnapshots, snapshot("big-snap", "big"));
    await ready("big-snap");
    h.api.create(
      R.pvcs,
      claim("small", {
        dataSource: { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "big-snap" },
      }),
    );
    await vi.waitFor(() =>
      expect(
        h.api.list(R.events, { namespace: "db" }).map((e) => [e["reason"], e["message"]]),
      ).toContainEqual([
        "ProvisioningFailed",
        `requested volume size ${2 ** 30} is less than the size ${2 ** 31} for the source snapshot big-snap`,
      ]),
    );
    expect(h.api.get(R.pvcs, "db", "small")?.["status"]).toMatchObject({ phase: "Pending" });
  });

  it("reports a snapshot of a missing claim as not ready with an error", async () => {
    h = await startHarness();
    h.api.create(R.volumeSnapshots, snapshot("orphan", "nope"));
    await vi.waitFor(() =>
      expect(h.api.get(R.volumeSnapshots, "db", "orphan")?.["status"]).toMatchObject({
        readyToUse: false,
        error: { message: expect.stringContaining('persistentvolumeclaims "nope" not found') as unknown },
      }),
    );
  });

  it("takes a group's snapshots at one instant while a writer runs, pausing it", async () => {
    h = await startHarness({ ferryCommand: standIn, clock: systemClock });
    h.api.create(R.pvcs, claim("a"));
    h.api.create(R.pvcs, claim("b"));
    const [dirA, dirB] = [await volumeOf("a"), await volumeOf("b")];
    h.api.create(R.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "writer", namespace: "db" },
      spec: {
        restartPolicy: "Never",
        containers: [
          {
            name: "w",
            image: "ghcr.io/ferry-dev/ferry:dev",
            args: ["pairs", "/a/n", "/b/n"],
            volumeMounts: [
              { name: "a", mountPath: "/a" },
              { name: "b", mountPath: "/b" },
            ],
          },
        ],
        volumes: [
          { name: "a", persistentVolumeClaim: { claimName: "a" } },
          { name: "b", persistentVolumeClaim: { claimName: "b" } },
        ],
      },
    });
    await vi.waitFor(
      async () =>
        expect(Number(await readFile(join(dirB, "n"), "utf8").catch(() => "0"))).toBeGreaterThan(50),
      { timeout: 10_000 },
    );
    const group = { "ferry.dev/group-snapshot": "g1" };
    h.api.create(R.volumeSnapshots, snapshot("snap-a", "a", group));
    h.api.create(R.volumeSnapshots, snapshot("snap-b", "b", group));
    const [sa, sb] = [await ready("snap-a"), await ready("snap-b")];
    expect(sa["creationTime"]).toBe(sb["creationTime"]);
    const copied = async (s: Record<string, unknown>): Promise<number> =>
      Number(
        await readFile(
          join(localPaths.snapshot(h.dataDir, s["boundVolumeSnapshotContentName"] as string), "n"),
          "utf8",
        ),
      );
    const [na, nb] = [await copied(sa), await copied(sb)];
    expect(na).toBeGreaterThan(50);
    expect([na, na - 1]).toContain(nb);
    // The writer was resumed: it keeps counting.
    await vi.waitFor(async () => expect(Number(await readFile(join(dirA, "n"), "utf8"))).toBeGreaterThan(na));
  });
});
