import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startLocalClusters, type LocalClusters } from "../../../src/local/clusters.js";
import { SOURCE_STORAGE_CLASS, WIDGET_CRD, shopApp } from "../../e2e/migration-fixture.js";
import { runFerry, type FerryRun } from "../../helpers/ferry-cli.js";

/** `ferry migrate` and `ferry status` as a user runs them, against local clusters. */
describe("ferry migrate and ferry status", { timeout: 180_000 }, () => {
  let dir: string;
  let local: LocalClusters;
  const ferry = (args: readonly string[]): Promise<FerryRun> => runFerry(args, { cwd: dir });
  const kubectl = (context: string, args: readonly string[], input = ""): Promise<string> =>
    new Promise((done, fail) => {
      const child = execFile(
        "kubectl",
        ["--kubeconfig", local.kubeconfigPath, "--context", context, ...args],
        (error, stdout, stderr) => (error === null ? done(stdout) : fail(new Error(stderr))),
      );
      child.stdin?.end(input);
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-cli-migrate-"));
    local = await startLocalClusters({
      dir: join(dir, ".ferry/local"),
      clusters: ["east-1", "west-1"],
      controllers: false,
    });
    await kubectl("east-1", ["apply", "-f", "-"], SOURCE_STORAGE_CLASS + "---\n" + WIDGET_CRD);
    await kubectl("east-1", ["apply", "-f", "-"], shopApp());
    await mkdir(join(dir, "clusters"), { recursive: true });
    await mkdir(join(dir, "environments/prod"), { recursive: true });
    await writeFile(
      join(dir, "clusters/clusters.yaml"),
      ["east-1", "west-1"]
        .map(
          (name) =>
            `apiVersion: ferry.dev/v1alpha1\nkind: Cluster\nmetadata: {name: ${name}}\nspec: {fleet: prod, connection: {local: {name: ${name}}}}\n`,
        )
        .join("---\n") +
        "---\napiVersion: ferry.dev/v1alpha1\nkind: ReplicationRepository\nmetadata: {name: default}\nspec: {filesystem: {path: .ferry/repository}}\n",
    );
    await writeFile(
      join(dir, "environments/prod/shop.yaml"),
      `apiVersion: ferry.dev/v1alpha1
kind: Migration
metadata: {name: shop-to-west}
spec:
  fleet: prod
  source: {cluster: east-1}
  targets: [{cluster: west-1}]
  namespaces: [shop]
  startApplications: false
  # The clusters run without controllers (no mover Jobs): this test is about the CLI; volume
  # data through the same mover is covered by test/e2e/migration-volumes.test.ts.
  includeVolumes: false
  namespaceMapping: {shop: shop-dr}
  storageClassMapping: {fast-ssd: standard}
  repository: default
  prechecks: {remediation: manual}
`,
    );
  });
  afterAll(async () => {
    await local?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("migrates, prints JSON lines off a terminal, writes the status report, and ferry status shows it", async () => {
    const r = await ferry(["migrate", "-f", "environments/prod/shop.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/migration shop-to-west: Completed/);
    expect(r.stdout).toMatch(/west-1: Completed — 17 created, 0 updated, 0 unchanged, 0 skipped, 0 failed/);
    const events = r.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(events[0]?.type).toBe("MigrationStarted");
    expect(events.filter((e) => e.type === "RestoreObjectResult")).toHaveLength(17);
    const report = parse(await readFile(join(dir, ".ferry/status/shop-to-west.yaml"), "utf8")) as {
      kind: string;
      status: { phase: string; sourceClusterStatus: { backup: { objects: number } } };
    };
    expect(report.kind).toBe("Migration");
    expect(report.status.phase).toBe("Completed");
    expect(report.status.sourceClusterStatus.backup.objects).toBe(17);
    expect(
      await kubectl("west-1", ["get", "deploy", "-n", "shop-dr", "web", "-o", "jsonpath={.spec.replicas}"]),
    ).toBe("0");

    const table = await ferry(["status"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+PHASE\s+SOURCE\s+TARGETS\s+OBJECTS\s+AGE\n/);
    expect(table.stdout).toMatch(/shop-to-west\s+Completed\s+east-1\s+west-1\s+17\s+\d+s/);
    const one = await ferry(["status", "shop-to-west"]);
    expect(one.stdout).toMatch(/^apiVersion: ferry.dev\/v1alpha1\nkind: Migration\n/);
    expect((await ferry(["status", "nope"])).code).toBe(1);
  });

  it("-o yaml prints the report; a second run is all unchanged", async () => {
    const r = await ferry(["migrate", "-f", "environments/prod/shop.yaml", "-o", "yaml"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(r.stdout) as {
      status: { targetClusterStatus: { restore: { counts: Record<string, number> } }[] };
    };
    expect(doc.status.targetClusterStatus[0]?.restore.counts).toMatchObject({
      unchanged: 17,
      created: 0,
      updated: 0,
    });
  });

  it("a bad manifest is refused with file, line and field; exit 1", async () => {
    await writeFile(
      join(dir, "environments/prod/bad.yaml"),
      "apiVersion: ferry.dev/v1alpha1\nkind: Migration\nmetadata: {name: bad}\nspec:\n  fleet: prod\n  source: {cluster: east-1}\n  targets: [{cluster: west-1}]\n  namespaces: [shop]\n  repository: default\n  startApplication: false\n",
    );
    const r = await ferry(["migrate", "-f", "environments/prod/bad.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/environments\/prod\/bad.yaml:10:\d+: error: .*startApplication/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
