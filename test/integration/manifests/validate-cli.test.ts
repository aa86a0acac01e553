import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExampleRepo, PROJECT_ROOT } from "../../helpers/example-repo.js";
import { runFerry, type FerryRun } from "../../helpers/ferry-cli.js";

function ferry(cwd: string, ...args: string[]): Promise<FerryRun> {
  return runFerry(args, { cwd });
}

describe("ferry validate (the real CLI)", () => {
  let good: string;
  let bad: string;

  beforeAll(async () => {
    good = await copyExampleRepo();
    bad = await copyExampleRepo();
    // Inject a bad case: a migration naming a fleet that does not exist (line 8, column 10).
    const file = join(bad, "environments/prod/shop-migration.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("fleet: prod", "fleet: prd"));
  });
  afterAll(async () => {
    await rm(good, { recursive: true, force: true });
    await rm(bad, { recursive: true, force: true });
  });

  it("exits 0 on the example repo", async () => {
    const result = await ferry(good, "validate");
    expect(result).toMatchObject({ code: 0, stdout: "8 files, 20 objects: valid\n" });
  });

  it("exits 1 naming the file, line, column and field of a bad case", async () => {
    const result = await ferry(bad, "validate", ".");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'environments/prod/shop-migration.yaml:8:10: error: spec.fleet: no Fleet named "prd"; known: dev, prod',
    );
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  });

  it("names the file and line of every hardening case in one run", async () => {
    const dir = await copyExampleRepo();
    try {
      const H = "apiVersion: ferry.dev/v1alpha1\n";
      const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]"];
      for (const n of ["c", "d", "e"])
        bomb.push(
          `${n}: &${n} [${Array(9)
            .fill(`*${bomb.length === 2 ? "b" : String.fromCharCode(n.charCodeAt(0) - 1)}`)
            .join(", ")}]`,
        );
      const files: Record<string, string | Uint8Array> = {
        "environments/prod/bomb.yaml": `${bomb.join("\n")}\n`,
        "environments/prod/big.yaml": `# ${"x".repeat(1_100_000)}\n`,
        "environments/prod/binary.yaml": new Uint8Array([
          0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00,
        ]),
        "environments/prod/dupkey.yaml": `${H}kind: VolumeGroup\nmetadata:\n  name: g\n  name: h\n`,
        "environments/prod/escape.yaml": `${H}kind: VolumeGroup\nmetadata:\n  name: ../../etc\n  namespace: shop\nspec: {pvcs: [a]}\n`,
        "environments/prod/kind.yaml": `${H}kind: Backup\nmetadata: {name: b}\n`,
        "policies/type.yaml": `${H}kind: SchedulePolicy\nmetadata: {name: t}\npolicy:\n  monthly: {date: "14th", time: "8:05PM"}\n`,
      };
      for (const [path, content] of Object.entries(files)) await writeFile(join(dir, path), content);
      const result = await ferry(dir, "validate");
      expect(result.code).toBe(1);
      for (const expected of [
        "environments/prod/big.yaml:1:1: error: the file is 1100003 bytes",
        "environments/prod/binary.yaml:1:1: error: the file is not UTF-8 text",
        "environments/prod/bomb.yaml:1:1: error: too many alias expansions",
        "environments/prod/dupkey.yaml:5:3: error: Map keys must be unique",
        "environments/prod/escape.yaml:4:9: error: metadata.name: ",
        'environments/prod/kind.yaml:2:7: error: kind: unknown kind "Backup"',
        "policies/type.yaml:5:19: error: policy.monthly.date: must be an integer",
      ]) {
        expect(result.stdout).toContain(expected);
      }
      expect(result.stderr).toBe("");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names the file, line and field of a bad VolumeGroup capacity (key outside the group, not a size)", async () => {
    const dir = await copyExampleRepo();
    try {
      const file = join(dir, "environments/prod/shop-volumes.yaml");
      const text = await readFile(file, "utf8");
      expect(text).toContain("    wal-pg-0: 512Mi\n");
      await writeFile(
        file,
        text.replace("    wal-pg-0: 512Mi\n", "    wal-pg-1: 512Mi\n    wal-pg-0: lots\n"),
      );
      const result = await ferry(dir, "validate");
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        'environments/prod/shop-volumes.yaml:12:15: error: spec.capacity["wal-pg-1"]: PVC wal-pg-1 is not in spec.pvcs of VolumeGroup pg (data-pg-0, wal-pg-0)',
      );
      expect(result.stdout).toContain(
        'environments/prod/shop-volumes.yaml:13:15: error: spec.capacity["wal-pg-0"]: "lots" is not a storage size',
      );
      expect(result.stdout).toContain("8 files, 20 objects: 2 errors\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("validates a Git revision with --ref, not the working tree", async () => {
    const dir = await copyExampleRepo();
    try {
      const git = (...args: string[]) =>
        promisify(execFile)(
          "git",
          ["-c", "user.name=t", "-c", "user.email=t@ferry.dev", "-c", "commit.gpgsign=false", ...args],
          {
            cwd: dir,
          },
        );
      await git("init", "-q", "-b", "main");
      await git("add", "-A");
      await git("commit", "-q", "-m", "example");
      await writeFile(join(dir, "clusters/prod.yaml"), "broken: [\n");
      expect((await ferry(dir, "validate")).code).toBe(1);
      expect(await ferry(dir, "validate", "--ref", "main")).toMatchObject({
        code: 0,
        stdout: "8 files, 20 objects: valid\n",
      });
      expect((await ferry(dir, "validate", "--ref", "nope")).code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("prints GitHub annotations with --format github", async () => {
    const result = await ferry(PROJECT_ROOT, "validate", bad, "--format", "github");
    expect(result.code).toBe(1);
    // Paths are relative to the working directory, as GitHub resolves them from the checkout.
    expect(result.stdout).toMatch(
      /^::error file=[^,]*environments\/prod\/shop-migration\.yaml,line=8,col=10,title=ferry validate%3A unresolved-reference::spec\.fleet: no Fleet named "prd"/m,
    );
  });

  it("prints machine-readable JSON with --format json", async () => {
    const result = await ferry(bad, "validate", "--format", "json");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      valid: boolean;
      problems: { file: string; line: number; path: string }[];
    };
    expect(report.valid).toBe(false);
    expect(report.problems[0]).toMatchObject({
      file: "environments/prod/shop-migration.yaml",
      line: 8,
      path: "spec.fleet",
    });
  });

  it.each([
    ["an unknown format", ["validate", "--format", "xml"]],
    ["a missing directory", ["validate", "no/such/dir"]],
  ])("exits 2 on %s", async (_name, args) => {
    const result = await ferry(good, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toBe("");
  });
});
