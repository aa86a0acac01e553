/**
 * The GitOps loop end to end: a real `git http-backend` on loopback (token required), the
 * GitHub REST stub, local clusters, and the controller with a manual clock. Pushes start
 * migrations within one poll interval (at once with the webhook); status lands on
 * ferry/status and as commit statuses; a pre-check failure opens a remediation PR whose merge
 * lets the migration complete and closes it; an invalid push changes nothing; drift and
 * removed manifests are reported; no credential leaks into Git, logs or PRs.
 */
import { Writable } from "node:stream";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { startController, type RunningController } from "../../src/controller/controller.js";
import { createLogger } from "../../src/controller/logger.js";
import type { ReconcileSummary } from "../../src/controller/reconciler.js";
import { installSampleApp } from "../../src/demo/sample-app.js";
import { createOctokitGitHub } from "../../src/gitops/github/octokit-github.js";
import { exampleFiles } from "../helpers/example-repo.js";
import { startGitHttpServer, type GitHttpServer } from "../helpers/git-http-server.js";
import { startGitHubStub, type GitHubStub } from "../helpers/github-stub.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { startMigrationEnv, type MigrationEnv } from "../helpers/migration-env.js";

const GIT_TOKEN = "gitsecret-0123456789abcdef0123456789";
const GITHUB_TOKEN = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
const WEBHOOK_SECRET = "hook-secret-for-the-e2e-test";
const INTERVAL = 30_000;

function migration(name: string, options: { target: string; namespace?: string; mapping?: boolean }): string {
  return [
    "apiVersion: ferry.dev/v1alpha1",
    "kind: Migration",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  fleet: prod",
    "  source: { cluster: east-1 }",
    `  targets: [{ cluster: ${options.target} }]`,
    "  namespaces: [shop]",
    ...(options.namespace === undefined ? [] : [`  namespaceMapping: { shop: ${options.namespace} }`]),
    "  resourceFilter:",
    "    labelSelector:",
    "      matchLabels: { app: shop }",
    "  includeVolumes: false",
    ...(options.mapping === false ? [] : ["  storageClassMapping: { fast-ssd: standard }"]),
    "  repository: default",
    "  prechecks: { remediation: pull-request }",
    "",
  ].join("\n");
}

describe("the GitOps loop over HTTP with GitHub", () => {
  let env: MigrationEnv;
  let server: GitHttpServer;
  let github: GitHubStub;
  let controller: RunningController;
  const clock = new ManualClock();
  const logs: string[] = [];
  const waiters: { pred: (s: ReconcileSummary) => boolean; resolve: (s: ReconcileSummary) => void }[] = [];
  const reconciled = (pred: (s: ReconcileSummary) => boolean): Promise<ReconcileSummary> =>
    new Promise((resolve) => waiters.push({ pred, resolve }));
  const onReconcile = (s: ReconcileSummary): void => {
    for (const w of waiters.filter((x) => x.pred(s))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(s);
    }
  };
  const show = (spec: string): string => server.git("fleet", ["show", spec]);
  /** Pushes files onto main and lets one poll interval pass; resolves with that commit's reconcile. */
  const pushAndPoll = async (files: Record<string, string | null>): Promise<ReconcileSummary> => {
    await clock.sleepers(1);
    const commit = server.commitFiles("fleet", files);
    const done = reconciled((s) => s.commit === commit);
    clock.advance(INTERVAL);
    return done;
  };

  beforeAll(async () => {
    env = await startMigrationEnv(["east-1", "west-1", "west-2"]);
    await installSampleApp(env.clients.get("east-1")!, "shop", systemClock);
    const example = await exampleFiles();
    const base = Object.fromEntries(
      Object.entries(example).filter(
        ([path]) =>
          path === "clusters/prod.yaml" ||
          path === "clusters/repository.yaml" ||
          path.startsWith("policies/"),
      ),
    );
    server = await startGitHttpServer({ token: GIT_TOKEN });
    server.createRepo("fleet", base);
    github = await startGitHubStub({ repository: "acme/fleet", token: GITHUB_TOKEN });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString("utf8"));
        done();
      },
    });
    const first = reconciled(() => true);
    controller = await startController({
      repo: `${server.url}/fleet.git`,
      branch: "main",
      cacheDir: join(env.dir, "cache"),
      tokenEnv: "FERRY_GIT_TOKEN",
      env: { FERRY_GIT_TOKEN: GIT_TOKEN },
      clock,
      logger: createLogger({ level: "debug", destination: sink }),
      baseDir: env.dir,
      localKubeconfig: env.local.kubeconfigPath,
      github: createOctokitGitHub({ repository: "acme/fleet", token: GITHUB_TOKEN, baseUrl: github.url }),
      intervalMs: INTERVAL,
      metricsPort: 0,
      webhookPort: 0,
      webhookSecret: WEBHOOK_SECRET,
      host: "127.0.0.1",
      onReconcile,
    });
    await first;
  }, 60_000);

  afterAll(async () => {
    await controller?.stop();
    await github?.stop();
    await server?.stop();
    await env?.close();
  });

  it("is ready after the first poll and serves health and metrics", async () => {
    expect(controller.isReady()).toBe(true);
    const base = `http://127.0.0.1:${controller.ports.metrics}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/ferry_polls_total\{result="changed"\} 1/);
    expect(metrics).toMatch(/ferry_leader 1/);
  });

  it("starts a pushed Migration within one poll interval and reports it on ferry/status and GitHub", async () => {
    const summary = await pushAndPoll({
      "environments/prod/shop-to-west.yaml": migration("shop-to-west", { target: "west-1" }),
    });
    expect(summary.outcomes).toEqual([
      expect.objectContaining({
        action: "start-migration",
        path: "status/migration/shop-to-west.yaml",
        phase: "Completed",
      }),
    ]);
    const report = show("ferry/status:status/migration/shop-to-west.yaml");
    expect(report).toMatch(/^ {2}phase: Completed$/m);
    expect(report).toContain(`commit: ${summary.commit}`);
    expect(show("ferry/status").split("\n")[4]).toContain("ferry status: 1 report updated (Completed 1)");
    expect(github.statuses.filter((s) => s.sha === summary.commit).map((s) => s.state)).toEqual([
      "pending",
      "success",
    ]);
    const deploy = await env.getJson("west-1", ["-n", "shop", "deployment/shop-web"]);
    expect(deploy[0]?.metadata.labels?.["ferry.dev/migration"]).toBe("shop-to-west");
  }, 30_000);

  it("polls an unchanged repo with exactly one request and plans nothing", async () => {
    await clock.sleepers(1);
    const before = server.requests.length;
    const statusTip = server.head("fleet", "ferry/status");
    const githubCalls = github.calls.length;
    const done = reconciled(() => true);
    clock.advance(INTERVAL);
    const summary = await done;
    expect(summary.actions).toBe(0);
    expect(summary.statusCommit).toBeUndefined();
    expect(server.requests.slice(before).map((r) => `${r.method} ${r.path}?${r.query}`)).toEqual([
      "GET /fleet.git/info/refs?service=git-upload-pack",
    ]);
    expect(server.head("fleet", "ferry/status")).toBe(statusTip);
    expect(github.calls.length).toBe(githubCalls);
  }, 30_000);

  it("reconciles at once when the push webhook arrives", async () => {
    await clock.sleepers(1);
    const commit = server.commitFiles("fleet", {
      "environments/prod/shop-copy.yaml": migration("shop-copy", {
        target: "west-2",
        namespace: "shop-copy",
      }),
    });
    const done = reconciled((s) => s.commit === commit);
    const body = JSON.stringify({ ref: "refs/heads/main", after: commit, deleted: false });
    const response = await fetch(`http://127.0.0.1:${controller.ports.webhook}/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-hub-signature-256": await sign(WEBHOOK_SECRET, body),
      },
      body,
    });
    expect(response.status).toBe(200);
    const summary = await done; // no clock advance: the webhook woke the loop
    expect(summary.outcomes.map((o) => [o.path, o.phase])).toEqual([
      ["status/migration/shop-copy.yaml", "Completed"],
    ]);
    expect(
      (await env.getJson("west-2", ["-n", "shop-copy", "configmap/shop-settings"]))[0]?.data,
    ).toMatchObject({
      currency: "EUR",
    });
  }, 30_000);

  it("opens a remediation PR for a pre-check failure; merging it completes the migration and closes the PR", async () => {
    const failed = await pushAndPoll({
      "environments/prod/shop-pr.yaml": migration("shop-pr", {
        target: "west-1",
        namespace: "shop-pr",
        mapping: false,
      }),
    });
    const outcome = failed.outcomes.find((o) => o.path === "status/migration/shop-pr.yaml");
    expect(outcome?.phase).toBe("PrecheckFailed");
    const branch = "ferry/remediate/migration-shop-pr";
    expect(outcome?.remediation?.branch).toBe(branch);
    const pr = github.pulls.find((p) => p.head.ref === branch);
    expect(pr).toMatchObject({ state: "open", base: { ref: "main" } });
    expect(pr?.body).toContain("storage class fast-ssd does not exist");
    expect(pr?.body).toContain("spec.storageClassMapping.fast-ssd");
    const fixed = show(`${branch}:environments/prod/shop-pr.yaml`);
    expect(fixed).toMatch(/storageClassMapping:\s*\n?\s*fast-ssd: standard/);
    expect(show("ferry/status:status/migration/shop-pr.yaml")).toContain(`branch: ${branch}`);
    expect(github.statuses.filter((s) => s.sha === failed.commit).at(-1)?.state).toBe("failure");
    expect((await env.getJson("west-1", ["ns"])).map((n) => n.metadata.name)).not.toContain("shop-pr");

    // Merge: the proposal is based on main's tip, so main fast-forwards to it.
    await clock.sleepers(1);
    const merged = server.git("fleet", ["rev-parse", branch]);
    server.git("fleet", ["update-ref", "refs/heads/main", merged]);
    const done = reconciled((s) => s.commit === merged);
    clock.advance(INTERVAL);
    const after = await done;
    expect(after.outcomes.find((o) => o.path === "status/migration/shop-pr.yaml")?.phase).toBe("Completed");
    expect(github.pulls.find((p) => p.head.ref === branch)?.state).toBe("closed");
    expect(server.head("fleet", branch)).toBeUndefined();
    expect(show("ferry/status:status/migration/shop-pr.yaml")).not.toContain("remediation:");
    expect(github.statuses.filter((s) => s.sha === merged).at(-1)?.state).toBe("success");
  }, 60_000);

  it("reports an invalid push without touching any cluster, and clears the report once fixed", async () => {
    const snapshot = async (): Promise<string[]> =>
      (
        await Promise.all(
          ["west-1", "west-2"].map((c) => env.getJson(c, ["-A", "deploy,svc,cm,secret,pvc,ns"])),
        )
      )
        .flat()
        .map(
          (o) =>
            `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}@${o.metadata.annotations?.["ferry.dev/desired-hash"] ?? ""}`,
        )
        .sort();
    const before = await snapshot();
    const invalid = await pushAndPoll({
      "environments/prod/broken.yaml": migration("broken", { target: "nowhere-1", namespace: "broken" }),
    });
    expect(invalid.valid).toBe(false);
    expect(invalid.outcomes.map((o) => o.action)).toEqual(["report-invalid"]);
    const validation = show("ferry/status:status/_validation.yaml");
    expect(validation).toContain("file: environments/prod/broken.yaml");
    expect(validation).toMatch(/line: \d+/);
    expect(validation).toContain("nowhere-1");
    expect(github.statuses.filter((s) => s.sha === invalid.commit).at(-1)).toMatchObject({
      state: "failure",
    });
    expect(await snapshot()).toEqual(before);

    const fixed = await pushAndPoll({ "environments/prod/broken.yaml": null });
    expect(fixed.valid).toBe(true);
    expect(fixed.outcomes.map((o) => o.action)).toEqual(["clear-invalid"]);
    expect(() => show("ferry/status:status/_validation.yaml")).toThrow();
  }, 60_000);

  it("reports drift on a target and forgets a removed manifest", async () => {
    await env.kubectl("west-1", ["delete", "configmap", "shop-settings", "-n", "shop"]);
    await env.kubectl("west-1", ["label", "service", "shop-web", "-n", "shop", "edited=by-hand"]);
    await clock.sleepers(1);
    const drifted = reconciled((s) => s.outcomes.some((o) => o.action === "report-drift"));
    clock.advance(INTERVAL);
    const summary = await drifted;
    expect(summary.outcomes).toEqual([
      expect.objectContaining({ action: "report-drift", path: "status/migration/shop-to-west.yaml" }),
    ]);
    const report = show("ferry/status:status/migration/shop-to-west.yaml");
    expect(report).toMatch(/cluster: west-1\s+object: ConfigMap\/shop\/shop-settings\s+change: deleted/);
    expect(report).toMatch(/cluster: west-1\s+object: Service\/shop\/shop-web\s+change: changed/);
    expect(github.statuses.at(-1)?.description).toContain("drift on 1");

    const removed = await pushAndPoll({ "environments/prod/shop-copy.yaml": null });
    expect(removed.outcomes).toEqual([
      expect.objectContaining({ action: "forget", path: "status/migration/shop-copy.yaml" }),
    ]);
    expect(() => show("ferry/status:status/migration/shop-copy.yaml")).toThrow();
  }, 60_000);

  it("proposes a schedule's remediation from its run and withdraws it once a later run completes", async () => {
    const schedule = [
      "apiVersion: ferry.dev/v1alpha1",
      "kind: MigrationSchedule",
      "metadata:",
      "  name: shop-sched",
      "spec:",
      "  schedulePolicyName: testpolicy",
      "  template:",
      "    spec:",
      migration("x", { target: "west-2", namespace: "shop-sched", mapping: false })
        .split("\n")
        .slice(5)
        .map((line) => (line === "" ? line : `    ${line}`))
        .join("\n"),
    ].join("\n");
    const first = await pushAndPoll({ "environments/prod/shop-sched.yaml": schedule });
    const branch = "ferry/remediate/migrationschedule-shop-sched";
    expect(first.outcomes).toEqual([
      expect.objectContaining({ path: "status/migrationschedule/shop-sched.yaml", phase: "PrecheckFailed" }),
    ]);
    expect(github.pulls.find((p) => p.head.ref === branch)?.state).toBe("open");
    expect(show(`${branch}:environments/prod/shop-sched.yaml`)).toMatch(
      /template:\n\s+spec:[\s\S]*storageClassMapping:\s*\n\s*fast-ssd: standard/,
    );

    // Merge the fix; the spec change is recorded, the next run falls due a minute after the first.
    await clock.sleepers(1);
    const merged = server.git("fleet", ["rev-parse", branch]);
    server.git("fleet", ["update-ref", "refs/heads/main", merged]);
    const recorded = reconciled((s) => s.commit === merged);
    clock.advance(INTERVAL);
    expect((await recorded).outcomes.map((o) => [o.action, o.phase])).toEqual([["run-schedule", undefined]]);
    await clock.sleepers(1);
    const ran = reconciled((s) => s.outcomes.some((o) => o.phase !== undefined));
    clock.advance(INTERVAL);
    expect((await ran).outcomes).toEqual([
      expect.objectContaining({ path: "status/migrationschedule/shop-sched.yaml", phase: "Completed" }),
    ]);
    expect(github.pulls.find((p) => p.head.ref === branch)?.state).toBe("closed");
    expect(show("ferry/status:status/migrationschedule/shop-sched.yaml")).not.toContain("remediation:");
    const metrics = await (await fetch(`http://127.0.0.1:${controller.ports.metrics}/metrics`)).text();
    expect(metrics).toMatch(/ferry_objects_moved_total [1-9]/);
    expect(metrics).toMatch(/ferry_migrations\{phase="Completed"\} [1-9]/);
  }, 60_000);

  it("never writes a credential into Git, logs or pull requests", () => {
    const everything = [
      server.git("fleet", ["log", "--all", "-p", "--format=%H %an %ae %s%n%b"]),
      logs.join(""),
      JSON.stringify(github.pulls),
      JSON.stringify(github.calls.map((c) => c.body)),
    ];
    expect(logs.length).toBeGreaterThan(10);
    expect(server.requests.every((r) => r.authorization !== undefined)).toBe(true);
    for (const text of everything) {
      expect(text).not.toContain(GIT_TOKEN);
      expect(text).not.toContain(GITHUB_TOKEN);
      expect(text).not.toContain(WEBHOOK_SECRET);
      expect(text).not.toContain(Buffer.from(`x-access-token:${GIT_TOKEN}`).toString("base64"));
    }
  });
});
