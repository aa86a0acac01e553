import { readFile } from "node:fs/promises";
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
    await ok(h, ["apply", "-f", "-"], `
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
        env: [{name: FERRY_FROM_SOURCE, value: "1"}]
`);
    await ok(h, ["wait", "--for=condition=Complete", "job/version", "--timeout=60s"]);
    const { version } = JSON.parse(await readFile("package.json", "utf8")) as { version: string };
    expect(await ok(h, ["logs", "job/version"])).toBe(`ferry ${version}\n`);
    expect(await ok(h, ["get", "pods", "-l", "job-name=version", "-o", "jsonpath={.items[0].status.containerStatuses[0].state.terminated.exitCode}"])).toBe("0");
  });

  it("kills the process when kubectl deletes the Job, and marks a pod whose process died with a restart Failed", async () => {
    h = await startClusterHarness({ ferryCommand: standInFerry });
    const cluster = h.clusters.clusters.get("east-1");
    if (cluster === undefined) throw new Error("no cluster");
    await ok(h, ["apply", "-f", "-"], traceClaim + "---" + traceJob("deleted") + "---" + traceJob("restarted"));
    await ok(h, ["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/trace", "--timeout=30s"]);
    const trace = async (name: string): Promise<string> => {
      const pv = (await ok(h, ["get", "pvc", "trace", "-o", "jsonpath={.spec.volumeName}"])).trim();
      return readFile(join(localPaths.volume(cluster.dataDir, pv), name), "utf8").catch(() => "");
    };
    await vi.waitFor(async () => {
      expect(await trace("deleted")).toBe("started\n");
      expect(await trace("restarted")).toBe("started\n");
    }, { timeout: 30_000 });

    await ok(h, ["delete", "job", "deleted", "--wait=true"]);
    await vi.waitFor(async () => expect(await trace("deleted")).toBe("started\nterminated\n"), { timeout: 10_000 });

    await cluster.restart();
    expect(await trace("restarted")).toBe("started\nterminated\n");
    await ok(h, ["wait", "--for=condition=Failed", "job/restarted", "--timeout=30s"]);
    const message = await ok(h, ["get", "pods", "-l", "job-name=restarted", "-o", "jsonpath={.items[0].status.containerStatuses[0].state.terminated.message}"]);
    expect(message).toBe("the local cluster stopped while the container was running");
  });
});
