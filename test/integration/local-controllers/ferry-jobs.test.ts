import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { localPaths } from "../../../src/local/paths.js";
import { ok, standInFerry, startClusterHarness, type ClusterHarness } from "./cluster-harness.js";

const traceJob = (name: string): string => `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, namespace: default}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: mover
        image: ghcr.io/ferry-dev/ferry:dev
        args: [wait, /trace/${name}]
        volumeMounts: [{name: trace, mountPath: /trace}]
      volumes: [{name: trace, persistentVolumeClaim: {claimName: trace}}]
`;

const traceClaim = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: trace, namespace: default}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

describe("Jobs of Ferry's image on a local cluster", () => {
  let h: ClusterHarness;
  afterEach(async () => {
    await h.close();
  });

  it("runs the real ferry CLI; kubectl logs shows its output", async () => {
    h = await startClusterHarness();
    await ok(
      h,
      ["apply", "-f", "-"],
      `
apiVersion: batch/v1
kind: Job
metadata: {name: version, namespace: default}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: ferry
        image: ghcr.io/ferry-dev/ferry:dev
        args: [version]
`,
    );
    await ok(h, ["wait", "--for=condition=Complete", "job/version", "--timeout=60s"]);
    const { version } = JSON.parse(await readFile("package.json", "utf8")) as { version: string };
    expect(await ok(h, ["logs", "job/version"])).toBe(`ferry ${version}\n`);
    expect(
      await ok(h, [
        "get",
        "pods",
        "-l",
        "job-name=version",
        "-o",
        "jsonpath={.items[0].status.containerStatuses[0].state.terminated.exitCode}",
      ]),
    ).toBe("0");
  });

  it("kills the process when kubectl deletes the Job, and marks a pod whose process died with a restart Failed", async () => {
    h = await startClusterHarness({ ferryCommand: standInFerry });
    const cluster = h.clusters.clusters.get("east-1");
    if (cluster === undefined) throw new Error("no cluster");
    await ok(
      h,
      ["apply", "-f", "-"],
      traceClaim + "---" + traceJob("deleted") + "---" + traceJob("restarted"),
    );
    await ok(h, ["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/trace", "--timeout=30s"]);
    const trace = async (name: string): Promise<string> => {
      const pv = (await ok(h, ["get", "pvc", "trace", "-o", "jsonpath={.spec.volumeName}"])).trim();
      return readFile(join(localPaths.volume(cluster.dataDir, pv), name), "utf8").catch(() => "");
    };
    await vi.waitFor(
      async () => {
        expect(await trace("deleted")).toBe("started\n");
        expect(await trace("restarted")).toBe("started\n");
      },
      { timeout: 30_000 },
    );

    await ok(h, ["delete", "job", "deleted", "--wait=true"]);
    await vi.waitFor(async () => expect(await trace("deleted")).toBe("started\nterminated\n"), {
      timeout: 10_000,
    });

    await cluster.restart();
    expect(await trace("restarted")).toBe("started\nterminated\n");
    await ok(h, ["wait", "--for=condition=Failed", "job/restarted", "--timeout=30s"]);
    const message = await ok(h, [
      "get",
      "pods",
      "-l",
      "job-name=restarted",
      "-o",
      "jsonpath={.items[0].status.containerStatuses[0].state.terminated.message}",
    ]);
    expect(message).toBe("the local cluster stopped while the container was running");
  });

  it("runs ferry's mover on the cluster: backup from one claim, restore into another, result in the termination message", async () => {
    h = await startClusterHarness();
    const cluster = h.clusters.clusters.get("east-1");
    if (cluster === undefined) throw new Error("no cluster");
    const claim = (name: string): string => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}, namespace: default}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---`;
    const moverJob = (name: string, args: string[], mounts: [string, string][]): string => `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, namespace: default}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: mover
        image: ghcr.io/ferry-dev/ferry:v0.1.0
        args: ${JSON.stringify(args)}
        env:
        - {name: FERRY_REPOSITORY, value: /repo}
        - name: FERRY_REPOSITORY_KEY
          valueFrom: {secretKeyRef: {name: repo-key, key: key}}
        volumeMounts: ${JSON.stringify(mounts.map(([n, m]) => ({ name: n, mountPath: m })))}
      volumes: ${JSON.stringify(mounts.map(([n]) => ({ name: n, persistentVolumeClaim: { claimName: n } })))}
`;
    await ok(h, [
      "create",
      "secret",
      "generic",
      "repo-key",
      "--from-literal=key=correct horse battery staple",
    ]);
    await ok(h, ["apply", "-f", "-"], claim("app-data") + claim("repo") + claim("app-copy"));
    await ok(h, [
      "wait",
      "--for=jsonpath={.status.phase}=Bound",
      "pvc/app-data",
      "pvc/repo",
      "pvc/app-copy",
      "--timeout=30s",
    ]);
    const dirOf = async (pvc: string): Promise<string> =>
      localPaths.volume(
        cluster.dataDir,
        (await ok(h, ["get", "pvc", pvc, "-o", "jsonpath={.spec.volumeName}"])).trim(),
      );
    await writeFile(join(await dirOf("app-data"), "orders.csv"), "id,total\n1,42\n");
    await ok(
      h,
      ["apply", "-f", "-"],
      moverJob(
        "backup",
        ["mover", "backup", "--source", "/data", "--json"],
        [
          ["app-data", "/data"],
          ["repo", "/repo"],
        ],
      ),
    );
    await ok(h, ["wait", "--for=condition=Complete", "job/backup", "--timeout=60s"]);
    const message = await ok(h, [
      "get",
      "pods",
      "-l",
      "job-name=backup",
      "-o",
      "jsonpath={.items[0].status.containerStatuses[0].state.terminated.message}",
    ]);
    const result = JSON.parse(message) as { type: string; snapshotId: string };
    expect(result).toMatchObject({ type: "result", command: "backup" });
    await ok(
      h,
      ["apply", "-f", "-"],
      moverJob(
        "restore",
        ["mover", "restore", "--snapshot", result.snapshotId, "--target", "/data", "--json"],
        [
          ["app-copy", "/data"],
          ["repo", "/repo"],
        ],
      ),
    );
    await ok(h, ["wait", "--for=condition=Complete", "job/restore", "--timeout=60s"]);
    expect(await readFile(join(await dirOf("app-copy"), "orders.csv"), "utf8")).toBe("id,total\n1,42\n");
    expect(await ok(h, ["logs", "job/backup"])).not.toContain("correct horse");
  });
});
