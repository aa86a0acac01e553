import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../local/harness.js";

const deployment = (image: string, replicas = 2): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "${image}"}]
`;

describe("local controllers through the real server and kubectl", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ controllers: true });
  });
  afterAll(async () => {
    await h.close();
  });

  it("rolls a Deployment out: kubectl rollout status and wait --for=condition=Ready", async () => {
    await h.kubectl(["apply", "-f", "-"], { input: deployment("nginx:1.27") });
    const rollout = await h.kubectl(["rollout", "status", "deployment/web", "--timeout=30s"]);
    expect(rollout).toContain('deployment "web" successfully rolled out');
    const waited = await h.kubectl([
      "wait",
      "--for=condition=Ready",
      "pod",
      "-l",
      "app=web",
      "--timeout=30s",
    ]);
    expect(waited.trim().split("\n")).toHaveLength(2);
    await h.kubectl(["apply", "-f", "-"], { input: deployment("nginx:1.28", 3) });
    expect(await h.kubectl(["rollout", "status", "deployment/web", "--timeout=30s"])).toContain(
      "successfully rolled out",
    );
    const images = await h.kubectl([
      "get",
      "pods",
      "-l",
      "app=web",
      "-o",
      "jsonpath={.items[*].spec.containers[0].image}",
    ]);
    expect(images.split(" ").sort()).toEqual(["nginx:1.28", "nginx:1.28", "nginx:1.28"]);
    const history = await h.kubectl(["rollout", "history", "deployment/web"]);
    expect(history).toMatch(/1\s+<none>[\s\S]*2\s+<none>/);
    await h.kubectl(["scale", "deployment/web", "--replicas=0"]);
    expect(await h.kubectl(["rollout", "status", "deployment/web", "--timeout=30s"])).toContain(
      "successfully rolled out",
    );
    expect(await h.kubectl(["get", "pods", "-l", "app=web", "-o", "name"])).toBe("");
  });

  it("binds a PVC of the default class and runs a Job to completion", async () => {
    await h.kubectl(["apply", "-f", "-"], {
      input: `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: hello, namespace: default}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
`,
    });
    await h.kubectl(["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/data", "--timeout=30s"]);
    expect(
      await h.kubectl([
        "get",
        "pvc",
        "data",
        "-o",
        "jsonpath={.spec.storageClassName} {.status.capacity.storage}",
      ]),
    ).toBe("standard 1Gi");
    await h.kubectl(["wait", "--for=condition=Complete", "job/hello", "--timeout=30s"]);
  });

  it("reports a stalled rollout to kubectl rollout status once its progress deadline passes", async () => {
    await h.kubectl(["apply", "-f", "-"], {
      input: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: stuck, namespace: default}
spec:
  replicas: 1
  progressDeadlineSeconds: 2
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}, annotations: {ferry.dev/simulated-ready-after: never}}
    spec: {containers: [{name: c, image: "app:1"}]}
`,
    });
    const result = await h.kubectlResult(["rollout", "status", "deployment/stuck", "--timeout=30s"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('deployment "stuck" exceeded its progress deadline');
  });
});
