import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { CoreV1Api, makeInformer, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localPaths } from "../../../src/local/paths.js";
import { eventually, startHarness, type Harness } from "./harness.js";

/**
 * kubectl commands that need the simulated controllers (src/local/controllers): rollout
 * status and wait on conditions, plus logs and a client-node informer (ListWatch).
 */
describe("local clusters with controllers, through kubectl and client-node informers", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ controllers: true });
    await h.kubectl(["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n",
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const deployment = (replicas: number, image: string): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: apps}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "${image}"}]
`;

  it("rolls a deployment out and waits for its pods to be Ready", async () => {
    await h.kubectl(["apply", "-f", "-"], { input: deployment(2, "api:1") });
    expect(await h.kubectl(["-n", "apps", "rollout", "status", "deploy/api", "--timeout=30s"])).toContain(
      'deployment "api" successfully rolled out',
    );
    const waited = await h.kubectl([
      "-n",
      "apps",
      "wait",
      "--for=condition=Ready",
      "pod",
      "-l",
      "app=api",
      "--timeout=30s",
    ]);
    expect(waited.trim().split("\n")).toHaveLength(2);
    expect(await h.kubectl(["-n", "apps", "get", "deploy", "api"])).toMatch(/api\s+2\/2\s+2\s+2\s+/);
    await h.kubectl(["apply", "-f", "-"], { input: deployment(3, "api:2") });
    expect(await h.kubectl(["-n", "apps", "rollout", "status", "deploy/api", "--timeout=30s"])).toContain(
      "successfully rolled out",
    );
    expect(
      await h.kubectl([
        "-n",
        "apps",
        "get",
        "deploy",
        "api",
        "-o",
        "jsonpath={.status.readyReplicas}/{.status.updatedReplicas}",
      ]),
    ).toBe("3/3");
  });

  it("serves pod logs from the node's log file, with --tail", async () => {
    const pod = (
      await h.kubectl([
        "-n",
        "apps",
        "get",
        "pods",
        "-l",
        "app=api",
        "-o",
        "jsonpath={.items[0].metadata.name}",
      ])
    ).trim();
    const file = localPaths.podLog(h.clusters.clusters.get("east-1")?.dataDir ?? "", "apps", pod);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "line 1\nline 2\nline 3\n");
    expect(await h.kubectl(["-n", "apps", "logs", pod])).toBe("line 1\nline 2\nline 3\n");
    expect(await h.kubectl(["-n", "apps", "logs", pod, "--tail=1"])).toBe("line 3\n");
    // --follow streams what is appended until the client stops.
    const follow = spawn("kubectl", [
      "--kubeconfig",
      h.clusters.kubeconfigPath,
      "--context",
      "east-1",
      "-n",
      "apps",
      "logs",
      "-f",
      pod,
    ]);
    let streamed = "";
    follow.stdout.on("data", (d: Buffer) => (streamed += d.toString()));
    try {
      await eventually(() => (streamed.includes("line 3") ? true : undefined));
      appendFileSync(file, "line 4\n");
      await eventually(() => (streamed.includes("line 4") ? true : undefined));
    } finally {
      follow.kill();
    }
  });

  it("keeps a client-node informer (list, then watch) in step", async () => {
    const kc = h.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Pod>(kc, "/api/v1/namespaces/apps/pods", () =>
      core.listNamespacedPod({ namespace: "apps" }),
    );
    const added: string[] = [];
    informer.on("add", (pod) => added.push(pod.metadata?.name ?? ""));
    await informer.start();
    try {
      await eventually(() => (informer.list("apps").length === 3 ? true : undefined), 10_000);
      await h.kubectl(["-n", "apps", "scale", "deploy/api", "--replicas=4"]);
      await eventually(
        () =>
          informer.list("apps").filter((p) => p.metadata?.deletionTimestamp === undefined).length === 4
            ? true
            : undefined,
        10_000,
      );
      expect(added.length).toBeGreaterThanOrEqual(4);
    } finally {
      await informer.stop();
    }
  });
});
