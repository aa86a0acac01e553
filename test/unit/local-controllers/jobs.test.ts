import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { KubeObject } from "../../../src/local/api.js";
import { systemClock } from "../../../src/core/clock.js";
import { R } from "../../../src/local/controllers/runtime/gvr.js";
import { jobVerdict } from "../../../src/local/controllers/workloads/jobs.js";
import { localPaths } from "../../../src/local/paths.js";
import { startHarness, type Harness } from "../../helpers/controller-harness.js";

// The pod's working directory is its own, so tsx is named by absolute path.
const tsx = pathToFileURL(join(process.cwd(), "node_modules", "tsx", "dist", "loader.mjs")).href;
const standIn = [
  process.execPath,
  "--import",
  tsx,
  join(import.meta.dirname, "fixtures", "stand-in-ferry.ts"),
];

describe("jobVerdict", () => {
  it.each([
    [{}, { active: 0, succeeded: 0, failed: 0 }, { kind: "create", count: 1 }],
    [{}, { active: 1, succeeded: 0, failed: 0 }, { kind: "wait" }],
    [{}, { active: 0, succeeded: 1, failed: 2 }, { kind: "complete" }],
    [
      { completions: 3, parallelism: 2 },
      { active: 0, succeeded: 2, failed: 0 },
      { kind: "create", count: 1 },
    ],
    [
      { completions: 3, parallelism: 2 },
      { active: 1, succeeded: 0, failed: 0 },
      { kind: "create", count: 1 },
    ],
    [{ backoffLimit: 1 }, { active: 0, succeeded: 0, failed: 1 }, { kind: "create", count: 1 }],
    [
      { backoffLimit: 1 },
      { active: 0, succeeded: 0, failed: 2 },
      { kind: "fail", reason: "BackoffLimitExceeded" },
    ],
    [{ suspend: true }, { active: 1, succeeded: 0, failed: 0 }, { kind: "suspend" }],
  ])("spec %j with pods %j → %j", (spec, counts, expected) => {
    expect(jobVerdict(spec, counts, 0)).toMatchObject(expected);
  });

  it("fails a job past its activeDeadlineSeconds", () => {
    expect(
      jobVerdict({ activeDeadlineSeconds: 10 }, { active: 1, succeeded: 0, failed: 0 }, 11),
    ).toMatchObject({
      kind: "fail",
      reason: "DeadlineExceeded",
    });
  });
});

const job = (
  name: string,
  container: Record<string, unknown>,
  spec: Record<string, unknown> = {},
  pod: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, namespace: "ops" },
  spec: {
    backoffLimit: 0,
    ...spec,
    template: { spec: { restartPolicy: "Never", containers: [{ name: "main", ...container }], ...pod } },
  },
});

const conditionOf = (o: KubeObject | undefined, type: string): string | undefined =>
  ((o?.["status"] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === type,
  )?.status;

describe("job controller", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });
  const podsOf = (name: string): KubeObject[] =>
    h.api.list(R.pods, { namespace: "ops", labelSelector: `job-name=${name}` });
  const terminated = (pod: KubeObject | undefined): Record<string, unknown> | undefined =>
    (
      pod?.["status"] as
        { containerStatuses?: { state: { terminated?: Record<string, unknown> } }[] } | undefined
    )?.containerStatuses?.[0]?.state.terminated;

  it("completes a job of any other image after its simulated run", async () => {
    h = await startHarness({ ferryCommand: standIn });
    h.api.create(R.jobs, job("hello", { image: "busybox" }));
    await vi.waitFor(() => expect(conditionOf(h.api.get(R.jobs, "ops", "hello"), "Complete")).toBe("True"));
    const status = h.api.get(R.jobs, "ops", "hello")?.["status"] as Record<string, unknown>;
    expect(status).toMatchObject({ succeeded: 1 });
    expect(typeof status["startTime"]).toBe("string");
    expect(typeof status["completionTime"]).toBe("string");
    expect(podsOf("hello").map((p) => (p["status"] as { phase: string }).phase)).toEqual(["Succeeded"]);
  });

  it("retries a failing pod up to backoffLimit, then fails the job", async () => {
    h = await startHarness({ ferryCommand: standIn });
    h.api.create(R.jobs, {
      ...job("flaky", { image: "busybox" }, { backoffLimit: 2 }),
    });
    const j = h.api.get(R.jobs, "ops", "flaky") as KubeObject;
    const template = (j["spec"] as { template: { metadata?: Record<string, unknown> } }).template;
    template.metadata = { annotations: { "ferry.dev/simulated-exit-code": "1" } };
    h.api.update(R.jobs, j);
    await vi.waitFor(() => expect(conditionOf(h.api.get(R.jobs, "ops", "flaky"), "Failed")).toBe("True"));
    expect(podsOf("flaky")).toHaveLength(3);
    expect(h.api.get(R.jobs, "ops", "flaky")?.["status"]).toMatchObject({ failed: 3 });
  });

  it("runs a Ferry-image job as a process with the pod's args, env, secrets and mounted claims", async () => {
    h = await startHarness({ ferryCommand: standIn });
    h.api.create(R.secrets, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "creds", namespace: "ops" },
      data: { key: Buffer.from("s3cr3t").toString("base64") },
    });
    h.api.create(R.configMaps, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: "ops" },
      data: { MODE: "fast", LEVEL: "3" },
    });
    h.api.create(R.pvcs, {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data", namespace: "ops" },
      spec: {
        storageClassName: "standard",
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "1Gi" } },
      },
    });
    h.api.create(
      R.jobs,
      job(
        "mover",
        {
          image: "ghcr.io/ferry-dev/ferry:dev",
          args: ["write", "/data/out.txt", "hello from the pod"],
          env: [
            { name: "PLAIN", value: "v" },
            { name: "KEY", valueFrom: { secretKeyRef: { name: "creds", key: "key" } } },
            { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          ],
          envFrom: [{ configMapRef: { name: "cfg" }, prefix: "CFG_" }],
          volumeMounts: [
            { name: "data", mountPath: "/data" },
            { name: "scratch", mountPath: "/scratch" },
          ],
        },
        {},
        {
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: "data" } },
            { name: "scratch", emptyDir: {} },
          ],
        },
      ),
    );
    await vi.waitFor(() => expect(conditionOf(h.api.get(R.jobs, "ops", "mover"), "Complete")).toBe("True"), {
      timeout: 15_000,
    });
    const pvc = h.api.get(R.pvcs, "ops", "data") as KubeObject;
    const dir = localPaths.volume(h.dataDir, (pvc["spec"] as { volumeName: string }).volumeName);
    expect(await readFile(join(dir, "out.txt"), "utf8")).toBe("hello from the pod");
    const [pod] = podsOf("mover");
    expect(terminated(pod)).toMatchObject({ exitCode: 0, reason: "Completed" });
    const log = await readFile(localPaths.podLog(h.dataDir, "ops", pod?.metadata.name ?? ""), "utf8");
    expect(log).toContain("wrote /data/out.txt");
  });

  it("hands the process its environment and FERRY_PATH_MAP", async () => {
    h = await startHarness({ ferryCommand: standIn });
    h.api.create(R.secrets, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "creds", namespace: "ops" },
      data: { key: Buffer.from("s3cr3t").toString("base64") },
    });
    h.api.create(R.configMaps, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: "ops" },
      data: { MODE: "fast" },
    });
    h.api.create(
      R.jobs,
      job(
        "env",
        {
          image: "ghcr.io/ferry-dev/ferry@sha256:0123",
          command: ["ferry"],
          args: ["env", "x"],
          workingDir: "/scratch/work",
          env: [
            { name: "PLAIN", value: "v" },
            { name: "KEY", valueFrom: { secretKeyRef: { name: "creds", key: "key" } } },
            { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          ],
          envFrom: [{ configMapRef: { name: "cfg" }, prefix: "CFG_" }],
          volumeMounts: [{ name: "scratch", mountPath: "/scratch" }],
        },
        {},
        { volumes: [{ name: "scratch", emptyDir: {} }] },
      ),
    );
    await vi.waitFor(() => expect(conditionOf(h.api.get(R.jobs, "ops", "env"), "Complete")).toBe("True"), {
      timeout: 15_000,
    });
    const [pod] = podsOf("env");
    const log = await readFile(localPaths.podLog(h.dataDir, "ops", pod?.metadata.name ?? ""), "utf8");
    const seen = JSON.parse(log) as { env: Record<string, string>; cwd: string; args: string[] };
    expect(seen.args).toEqual(["x"]);
    expect(seen.env).toMatchObject({ PLAIN: "v", KEY: "s3cr3t", POD: pod?.metadata.name, CFG_MODE: "fast" });
    const map = JSON.parse(seen.env["FERRY_PATH_MAP"] ?? "{}") as Record<string, string>;
    expect(Object.keys(map).sort()).toEqual(["/dev/termination-log", "/scratch"]);
    expect(seen.cwd).toBe(join(map["/scratch"] ?? "", "work"));
  });

  it("reports a failed process's exit code and termination message and fails the job", async () => {
    h = await startHarness({ ferryCommand: standIn });
    h.api.create(R.jobs, job("broken", { image: "ghcr.io/ferry-dev/ferry:1.0", args: ["fail", "now"] }));
    await vi.waitFor(() => expect(conditionOf(h.api.get(R.jobs, "ops", "broken"), "Failed")).toBe("True"), {
      timeout: 15_000,
    });
    const [pod] = podsOf("broken");
    expect((pod?.["status"] as { phase: string }).phase).toBe("Failed");
    expect(terminated(pod)).toMatchObject({
      exitCode: 3,
      reason: "Error",
      message: "failed on purpose: now",
    });
  });

  it("keeps a pod Pending with CreateContainerConfigError while its secret is missing", async () => {
    h = await startHarness({ ferryCommand: standIn });
    h.api.create(
      R.jobs,
      job("nokey", {
        image: "ghcr.io/ferry-dev/ferry:dev",
        args: ["env"],
        env: [{ name: "K", valueFrom: { secretKeyRef: { name: "absent", key: "k" } } }],
      }),
    );
    await vi.waitFor(() => {
      const [pod] = podsOf("nokey");
      const waiting = (
        pod?.["status"] as { containerStatuses?: { state: { waiting?: { reason: string } } }[] } | undefined
      )?.containerStatuses?.[0]?.state.waiting;
      expect(waiting?.reason).toBe("CreateContainerConfigError");
    });
    h.api.create(R.secrets, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "absent", namespace: "ops" },
      data: { k: Buffer.from("x").toString("base64") },
    });
    await vi.waitFor(() => expect(conditionOf(h.api.get(R.jobs, "ops", "nokey"), "Complete")).toBe("True"), {
      timeout: 15_000,
    });
  });

  it("kills the process (SIGTERM) when the job is deleted, and when the cluster stops", async () => {
    // The system clock: the grace period between SIGTERM and SIGKILL must really let the process exit.
    h = await startHarness({ ferryCommand: standIn, clock: systemClock });
    h.api.create(R.pvcs, {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "trace", namespace: "ops" },
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: "standard",
        resources: { requests: { storage: "1Mi" } },
      },
    });
    const longJob = (name: string): KubeObject =>
      job(
        name,
        {
          image: "ghcr.io/ferry-dev/ferry:dev",
          args: ["wait", `/trace/${name}`],
          volumeMounts: [{ name: "t", mountPath: "/trace" }],
        },
        {},
        { volumes: [{ name: "t", persistentVolumeClaim: { claimName: "trace" } }] },
      );
    const traceOf = async (name: string): Promise<string> => {
      const pvc = h.api.get(R.pvcs, "ops", "trace") as KubeObject;
      const dir = localPaths.volume(h.dataDir, (pvc["spec"] as { volumeName?: string }).volumeName ?? "");
      return readFile(join(dir, name), "utf8").catch(() => "");
    };
    h.api.create(R.jobs, longJob("deleted"));
    h.api.create(R.jobs, longJob("stopped"));
    await vi.waitFor(
      async () => {
        expect(await traceOf("deleted")).toBe("started\n");
        expect(await traceOf("stopped")).toBe("started\n");
      },
      { timeout: 15_000 },
    );
    const uid = podsOf("deleted")[0]?.metadata.uid ?? "";
    h.api.delete(R.jobs, "ops", "deleted", { propagationPolicy: "Background" });
    await vi.waitFor(async () => expect(await traceOf("deleted")).toBe("started\nterminated\n"));
    await vi.waitFor(() => expect(existsSync(join(h.dataDir, "pods", uid))).toBe(false));
    expect(await traceOf("stopped")).toBe("started\n");
    await h.controllers.stop();
    expect(await traceOf("stopped")).toBe("started\nterminated\n");
  });

  it("runs the real ferry CLI for a job of Ferry's image (ferry version)", async () => {
    h = await startHarness();
    h.api.create(
      R.jobs,
      job("version", {
        image: "ghcr.io/ferry-dev/ferry:dev",
        args: ["version"],
      }),
    );
    await vi.waitFor(
      () => expect(conditionOf(h.api.get(R.jobs, "ops", "version"), "Complete")).toBe("True"),
      { timeout: 55_000 },
    );
    const [pod] = podsOf("version");
    const log = await readFile(localPaths.podLog(h.dataDir, "ops", pod?.metadata.name ?? ""), "utf8");
    const { version } = JSON.parse(await readFile("package.json", "utf8")) as { version: string };
    expect(log).toBe(`ferry ${version}\n`);
  });

  it("restarts a crashing long-running Ferry container with back-off (CrashLoopBackOff)", async () => {
    h = await startHarness({ ferryCommand: standIn });
    h.api.create(R.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "crashy", namespace: "ops" },
      spec: { containers: [{ name: "main", image: "ghcr.io/ferry-dev/ferry:dev", args: ["fail", "again"] }] },
    });
    await vi.waitFor(
      () => {
        const status = h.api.get(R.pods, "ops", "crashy")?.["status"] as {
          phase: string;
          containerStatuses?: {
            restartCount: number;
            lastState?: { terminated?: { exitCode: number; message?: string } };
          }[];
        };
        expect(status.phase).toBe("Running");
        expect(status.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(2);
        expect(status.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
          exitCode: 3,
          message: "failed on purpose: again",
        });
      },
      { timeout: 20_000 },
    );
  });
});
