import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExampleRepo, PROJECT_ROOT } from "../../helpers/example-repo.js";
import { runFerry, type FerryRun } from "../../helpers/ferry-cli.js";

const run = promisify(execFile);

function ferry(args: string[], cwd: string): Promise<FerryRun> {
  return runFerry(args, { cwd });
}

async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
  return stdout.trim();
}

async function editFile(dir: string, file: string, change: (text: string) => string): Promise<void> {
  const path = join(dir, file);
  const before = await readFile(path, "utf8");
  const after = change(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  await writeFile(path, after);
}

const CART = `apiVersion: ferry.dev/v1alpha1
kind: Migration
metadata:
  name: cart-to-west
spec:
  fleet: prod
  source: { cluster: east-1 }
  targets: [{ cluster: west-1 }, { cluster: west-2 }]
  namespaces: [cart]
  repository: default
`;

describe("ferry plan and ferry get on a real Git repo", () => {
  let dir: string;
  let a: string; // the example repo
  let b: string; // adds, changes and removes manifests
  let c: string; // an invalid revision

  beforeAll(async () => {
    dir = await copyExampleRepo();
    await git(dir, "init", "-q", "-b", "main");
    await git(dir, "add", ".");
    await git(dir, "commit", "-q", "-m", "example");
    a = await git(dir, "rev-parse", "HEAD");

    await writeFile(join(dir, "environments/prod/cart.yaml"), CART);
    await editFile(dir, "environments/prod/shop-migration.yaml", (t) =>
      t.replace("schedulePolicyName: testpolicy", "schedulePolicyName: nightly"),
    );
    await editFile(dir, "environments/prod/shop-volumes.yaml", (t) =>
      t
        .replace("source: { cluster: east-1, volumeGroup: pg }", "SOURCE")
        .replace(
          "target: { cluster: west-1, volumeGroup: pg }",
          "target: { cluster: east-1, volumeGroup: pg }",
        )
        .replace("SOURCE", "source: { cluster: west-1, volumeGroup: pg }"),
    );
    await editFile(dir, "environments/dev/shop.yaml", (t) =>
      t.slice(0, t.lastIndexOf("---\napiVersion: ferry.dev/v1alpha1\nkind: VolumeReplication")),
    );
    await git(dir, "add", "-A");
    await git(dir, "commit", "-q", "-m", "change");
    b = await git(dir, "rev-parse", "HEAD");

    await editFile(dir, "environments/prod/shop-migration.yaml", (t) =>
      t.replace("schedulePolicyName: nightly", "schedulePolicyName: missing"),
    );
    await git(dir, "commit", "-q", "-am", "break");
    c = await git(dir, "rev-parse", "HEAD");
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints each added, changed and removed object with what Ferry will do (text)", async () => {
    const r = await ferry(["plan", "--base", a, "--head", b, "--repo", dir], PROJECT_ROOT);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out.split("\n")[0]).toBe(
      `Plan ${a.slice(0, 7)} → ${b.slice(0, 7)}: 1 to add, 2 to change, 1 to remove.`,
    );
    expect(out).toContain("+ Migration cart-to-west (environments/prod/cart.yaml:1)");
    expect(out).toContain(
      "Migration cart-to-west is new: Ferry will migrate namespace cart from east-1 to west-1, west-2.",
    );
    expect(out).toContain("~ MigrationSchedule shop-dr (environments/prod/shop-migration.yaml:");
    expect(out).toContain(
      "MigrationSchedule shop-dr: policy changed from testpolicy to policy nightly (daily at 2:30AM; weekly on Sunday at 4:00AM (Europe/Berlin)).",
    );
    expect(out).toContain('spec.schedulePolicyName: "testpolicy" → "nightly"');
    expect(out).toContain(
      "WARNING: VolumeReplication shop/pg-dr: source and target swapped — this is a failover (or failback): west-1 becomes the source and east-1 the target.",
    );
    expect(out).toContain('spec.source.cluster: "east-1" → "west-1"');
    expect(out).toContain("- VolumeReplication shop/pg-dev-copy (environments/dev/shop.yaml:");
    expect(out).toContain("target snapshots on dev-1 are deleted (retainSnapshotsOnDeletion is false)");
  });

  it("renders Markdown for a PR comment and JSON for tools; --head defaults to HEAD and ~N works", async () => {
    const md = await ferry(["plan", "--base", `${b}~1`, "--head", b, "--format", "markdown"], dir);
    expect(md.code).toBe(0);
    expect(md.stdout.split("\n")[0]).toBe("### Ferry plan: 1 to add, 2 to change, 1 to remove");
    expect(md.stdout).toMatch(/^\| ➕ \| Migration cart-to-west \| Migration cart-to-west is new/m);
    expect(md.stdout).toMatch(/^\| ➖ \| VolumeReplication shop\/pg-dev-copy \| ⚠️ /m);

    const json = await ferry(
      ["plan", "--base", "main~2", "--head", "main~1", "--format", "json", "--repo", dir],
      PROJECT_ROOT,
    );
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as {
      summary: Record<string, number>;
      objects: { change: string; kind: string; name: string }[];
    };
    expect(doc.summary).toMatchObject({ added: 1, changed: 2, removed: 1 });
    expect(doc.objects.map((o) => `${o.change} ${o.kind} ${o.name}`).sort()).toEqual([
      "added Migration cart-to-west",
      "changed MigrationSchedule shop-dr",
      "changed VolumeReplication pg-dr",
      "removed VolumeReplication pg-dev-copy",
    ]);
  });

  it("refuses an invalid revision, listing its problems, with exit 1", async () => {
    const r = await ferry(["plan", "--base", b, "--repo", dir], PROJECT_ROOT);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`The head revision HEAD (${c.slice(0, 7)}) is invalid`);
    expect(r.stdout).toMatch(
      /environments\/prod\/shop-migration\.yaml:\d+:\d+: error: spec\.schedulePolicyName: .*missing/,
    );
  });

  it("exits 2 on an unknown revision or a directory outside Git", async () => {
    const r = await ferry(["plan", "--base", "no-such-branch", "--repo", dir], PROJECT_ROOT);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ferry plan: unknown revision "no-such-branch"\n');
  });

  it("plans a desired state kept in a folder of a larger repository", async () => {
    const outer = await mkdtemp(join(tmpdir(), "ferry-plan-outer-"));
    try {
      await cp(dir, join(outer, "deploy"), { recursive: true, filter: (src) => !src.includes(`${sep}.git`) });
      await git(outer, "init", "-q", "-b", "main");
      await git(outer, "add", ".");
      await git(outer, "commit", "-q", "-m", "one");
      await editFile(outer, "deploy/environments/prod/shop-migration.yaml", (t) =>
        t.replace("schedulePolicyName: missing", "schedulePolicyName: hourly"),
      );
      await git(outer, "commit", "-q", "-am", "fix");
      const r = await ferry(["plan", "--base", "HEAD~1"], join(outer, "deploy"));
      expect(r.stdout).toContain("The base revision HEAD~1");
      expect(r.stdout).toMatch(
        /environments\/prod\/shop-migration\.yaml:\d+:\d+: error: spec\.schedulePolicyName/,
      );
      expect(r.code).toBe(1);
    } finally {
      await rm(outer, { recursive: true, force: true });
    }
  });

  it("get schedulepolicy prints storkctl's table", async () => {
    const r = await ferry(["get", "schedulepolicy", "--repo", PROJECT_ROOT], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const cells = (line: string): string[] => line.trim().split(/\s{2,}/);
    expect(cells(lines[0] ?? "")).toEqual(["NAME", "INTERVAL-MINUTES", "DAILY", "WEEKLY", "MONTHLY"]);
    expect(lines.map(cells)).toContainEqual(["testpolicy", "1", "10:14PM", "Thursday@10:13PM", "14@8:05PM"]);
    expect(lines.map(cells)).toContainEqual(["hourly", "60", "N/A", "N/A", "N/A"]);
    // Columns line up: every row starts its cells where the header's do.
    const starts = (line: string): number[] =>
      [...line.matchAll(/(?:^|\s{2,})(\S)/g)].map((m) => (m.index ?? 0) + m[0].length - 1);
    for (const line of lines) expect(starts(line)).toEqual(starts(lines[0] ?? ""));
  });

  it("get accepts kubectl-style names, one object, -o yaml|json, and reports what is missing", async () => {
    const vr = await ferry(["get", "vr", "pg-dr", "-o", "json"], dir); // cwd is the repo (head is invalid: C)
    expect(vr.code).toBe(1); // the working tree has the broken reference from C
    expect(vr.stderr).toContain("warning: the desired state has 1 error");
    expect(JSON.parse(vr.stdout)).toMatchObject({
      kind: "VolumeReplication",
      spec: { source: { cluster: "west-1" } },
    });

    const yaml = await ferry(["get", "clusters", "--repo", PROJECT_ROOT, "-o", "yaml"], dir);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^apiVersion: v1\nkind: List\nitems:\n/);

    const notFound = await ferry(["get", "migration", "nope", "--repo", PROJECT_ROOT], dir);
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toBe('ferry get: migration "nope" not found\n');
  });
});
